"""Shared helpers: prerequisite closure, and the exact value and usage of a chosen set.

Every plan's numbers come from here, summed from the inputs, so the solver's floating-point
objective never leaks into what users read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from truce.domain.optimiser.model import LENSES, Plan, Problem, Slot

EPS = 1e-9


def closures(problem: Problem) -> dict[str, frozenset[str]]:
    """Everything each item drags in (prerequisites and promoted features, transitively)."""
    direct = {item.id: (*item.requires, *item.promotes) for item in problem.items}
    result: dict[str, frozenset[str]] = {}
    for start in direct:
        # A plain search per item stays correct on cyclic prerequisites (all-or-nothing rings).
        seen: set[str] = set()
        stack = list(direct[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct[node])
        seen.discard(start)
        result[start] = frozenset(seen)
    return result


def close(ids: Iterable[str], closure: Mapping[str, frozenset[str]]) -> set[str]:
    result = set(ids)
    for item_id in list(result):
        result |= closure[item_id]
    return result


def usage_of(problem: Problem, selected: Collection[str]) -> dict[Slot, float]:
    usage = dict.fromkeys(problem.capacities(), 0.0)
    items = problem.item_map()
    for item_id in selected:
        for slot, amount in items[item_id].usage.items():
            usage[slot] += amount
    return usage


def satisfied(problem: Problem, selected: Collection[str]) -> tuple[str, ...]:
    chosen = set(selected)
    return tuple(c.id for c in problem.customers if c.wants <= chosen)


def lens_values(problem: Problem, selected: Collection[str]) -> dict[str, float]:
    chosen = set(selected)
    values = dict.fromkeys(LENSES, 0.0)
    for item in problem.items:
        if item.id in chosen:
            for lens in LENSES:
                values[lens] += item.value(lens)
    values["customer"] += sum(c.weight for c in problem.customers if c.wants <= chosen)
    return values


def objective_of(problem: Problem, values: Mapping[str, float]) -> float:
    return sum(problem.weights.of(lens) * values[lens] for lens in LENSES)


def violations(problem: Problem, selected: Collection[str], tol: float = 1e-6) -> list[str]:
    """Why a set of items is not a valid plan (empty when it is)."""
    chosen = set(selected)
    found = [
        f"over capacity on {slot}"
        for slot, used in usage_of(problem, chosen).items()
        if used > problem.capacities()[slot] + tol
    ]
    for item in problem.items:
        if item.id in chosen:
            missing = set(item.requires) - chosen
            found += [f"{item.id} lacks prerequisite {m}" for m in sorted(missing)]
            found += [f"{item.id} lacks promoted {m}" for m in item.promotes if m not in chosen]
    found += [f"mandatory {m} missing" for m in sorted(problem.mandatory - chosen)]
    found += [f"excluded {m} selected" for m in sorted(problem.excluded & chosen)]
    found += [
        f"exclusive group {sorted(g)} broken"
        for g in problem.exclusive_groups
        if len(g & chosen) > 1
    ]
    return found


def make_plan(
    problem: Problem,
    selected: Collection[str],
    *,
    status: str,
    bound: float,
    seconds: float,
    optimal: bool = False,
    gap: float | None = None,
    baselines: Mapping[str, float] | None = None,
) -> Plan:
    chosen = set(selected)
    values = lens_values(problem, chosen)
    objective = objective_of(problem, values)
    if gap is None:
        gap = relative_gap(objective, bound)
    return Plan(
        status=status,
        optimal=optimal,
        selected=tuple(item.id for item in problem.items if item.id in chosen),
        satisfied_customers=satisfied(problem, chosen),
        values=values,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        usage=usage_of(problem, chosen),
        baselines=baselines or {},
    )


def relative_gap(value: float, bound: float) -> float:
    """HiGHS's convention: |bound - value| / max(1, |value|) — well defined when value is 0."""
    return max(0.0, bound - value) / max(1.0, abs(value))
