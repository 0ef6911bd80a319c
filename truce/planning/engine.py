"""A run's work, without Django: inputs (a JSON document) → the optimiser → results (JSON).

Inputs, as ``truce.planning.inputs`` builds them::

    {"periods": ["2026-07-01", ...],
     "pools": {"P3": {"name": "研发", "unit": "人天", "kind": "days", "side": "product"}},
     "capacity": {"P3|2026-07-01": 120.0, ...},          # slot key "pool|period"
     "items": [{"id": "R12", "kind": "requirement", "ref": "#12", "title": "...",
                "side": "product", "owner": "...", "status": "accepted",
                "product": 7.5, "operations": 3.0, "customer": 4.2, "demand_value": 120000.0,
                "usage": {"P3|2026-07-01": 8.0}, "requires": ["R4"], "promotes": [],
                "pulled_in": false}, ...],
     "mandatory": [...], "excluded": [...],
     "weights": {"product": 1, "operations": 1, "customer": 1},
     "fairness": {"product": 0.3, "operations": 0.0}}

The result holds everything the pages show, so a finished run is never solved again to be read:
the selection (replaced when a Pareto point is adopted) and the optimal one, lens values, usage
per slot, the "sort by priority and cut" baseline, explanations, and the Pareto points.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from truce.domain.optimiser import (
    Explanation,
    Fairness,
    Item,
    Plan,
    Pool,
    Problem,
    Weights,
    explain,
    greedy_items,
    pareto,
    solve,
)

LENSES = ("product", "operations", "customer")
SIDES = ("product", "operations")
SEP = "|"

Report = Callable[[str, float], None]


def slot_key(pool: str, period: str) -> str:
    return f"{pool}{SEP}{period}"


def parse_slot(key: str) -> tuple[str, str]:
    pool, period = key.split(SEP, 1)
    return pool, period


def problem_from(inputs: Mapping, *, fairness: bool = True) -> Problem:
    """The optimiser's Problem for a run's inputs (slots are (pool, period) pairs)."""
    capacity: dict[str, dict[str, float]] = {}
    for key, amount in inputs["capacity"].items():
        pool, period = parse_slot(key)
        capacity.setdefault(pool, {})[period] = float(amount)
    items = tuple(
        Item(
            id=row["id"],
            product=float(row["product"]),
            operations=float(row["operations"]),
            customer=float(row["customer"]),
            usage={parse_slot(k): float(v) for k, v in row["usage"].items()},
            requires=tuple(row["requires"]),
            promotes=tuple(row["promotes"]),
            kind=row["kind"],
        )
        for row in inputs["items"]
    )
    known = {i.id for i in items}
    floors = inputs.get("fairness") or {}
    share = Fairness(**{s: float(floors.get(s, 0.0)) for s in SIDES})
    return Problem(
        items=items,
        pools=tuple(Pool(p, c) for p, c in capacity.items()),
        mandatory=frozenset(inputs.get("mandatory", ())) & known,
        excluded=frozenset(inputs.get("excluded", ())) & known,
        weights=Weights(**{lens: float(inputs["weights"][lens]) for lens in LENSES}),
        fairness=share if fairness and (share.product > 0 or share.operations > 0) else None,
    )


def values_of(problem: Problem, selected: Iterable[str]) -> dict[str, float]:
    chosen = set(selected)
    values = dict.fromkeys(LENSES, 0.0)
    for item in problem.items:
        if item.id in chosen:
            for lens in LENSES:
                values[lens] += item.value(lens)
    return values


def objective_of(problem: Problem, values: Mapping[str, float]) -> float:
    return sum(problem.weights.of(lens) * values[lens] for lens in LENSES)


def usage_of(problem: Problem, selected: Iterable[str]) -> dict[str, float]:
    usage = {slot_key(*slot): 0.0 for slot in problem.capacities()}
    items = problem.item_map()
    for item_id in selected:
        for slot, amount in items[item_id].usage.items():
            usage[slot_key(*slot)] += amount
    return usage


def ordered(problem: Problem, ids: Iterable[str]) -> list[str]:
    chosen = set(ids)
    return [i.id for i in problem.items if i.id in chosen]


def summary(problem: Problem, selected: Iterable[str]) -> dict:
    """Selection, lens values, weighted objective and usage per slot of a set of items."""
    chosen = ordered(problem, selected)
    values = values_of(problem, chosen)
    return {
        "selected": chosen,
        "values": values,
        "objective": objective_of(problem, values),
        "usage": usage_of(problem, chosen),
    }


def plan_of(problem: Problem, selected: Iterable[str]) -> Plan:
    """A Plan object for a selection (what explain() needs), with exact sums."""
    chosen = ordered(problem, selected)
    values = values_of(problem, chosen)
    usage = {slot: 0.0 for slot in problem.capacities()}
    items = problem.item_map()
    for item_id in chosen:
        for slot, amount in items[item_id].usage.items():
            usage[slot] += amount
    objective = objective_of(problem, values)
    return Plan(
        status="given",
        optimal=False,
        selected=tuple(chosen),
        satisfied_customers=(),
        values=values,
        objective=objective,
        bound=math.nan,
        gap=math.nan,
        seconds=0.0,
        usage=usage,
    )


def closure(problem: Problem, item_id: str) -> set[str]:
    """The item and everything it cannot go without (prerequisites, promoted features)."""
    items = problem.item_map()
    seen, stack = {item_id}, [item_id]
    while stack:
        item = items[stack.pop()]
        for ref in (*item.requires, *item.promotes):
            if ref not in seen:
                seen.add(ref)
                stack.append(ref)
    return seen


def shortfall(
    problem: Problem, selected: Iterable[str], item_id: str, used: Mapping | None = None
) -> dict:
    """The cheap part of "why is mine out?", for every excluded item without solving: what it
    would bring in with it, the extra capacity that would let it in on top of the plan, and
    whether the scenario itself rules it (or something it needs) out."""
    chosen = set(selected)
    bundle = closure(problem, item_id) - chosen
    caps = problem.capacities()
    need = dict(used if used is not None else usage_of(problem, chosen))
    items = problem.item_map()
    for member in bundle:
        for slot, amount in items[member].usage.items():
            need[slot_key(*slot)] += amount
    extra = {}
    for slot, cap in caps.items():
        key = slot_key(*slot)
        if need[key] > cap + 1e-9:
            extra[key] = need[key] - cap
    item = items[item_id]
    weighted = sum(problem.weights.of(lens) * item.value(lens) for lens in LENSES)
    return {
        "bundle": ordered(problem, bundle - {item_id}),
        "extra_capacity": extra,
        "ruled_out": ordered(problem, bundle & problem.excluded),
        "no_value": weighted <= 0,
    }


def _blocked(reasons: Iterable[str]) -> list[dict]:
    """explain()'s reasons as codes the pages translate."""
    out = []
    for reason in reasons:
        if reason == "mandatory":
            out.append({"code": "mandatory"})
        elif reason.startswith("excluded: "):
            out.append({"code": "excluded", "item": reason.removeprefix("excluded: ")})
        elif reason.startswith("exclusive with "):
            out.append({"code": "exclusive", "item": reason.removeprefix("exclusive with ")})
        else:
            out.append({"code": "infeasible"})
    return out


def explanation_dict(found: Explanation) -> dict:
    return {
        "included": found.included,
        "blocked": _blocked(found.blocked_by),
        "bundle": list(found.bundle),
        "extra_capacity": {slot_key(*s): v for s, v in found.extra_capacity.items()},
        "displaced": list(found.displaced),
        "added": list(found.added),
        "value_change": dict(found.value_change),
        "objective_change": found.objective_change,
        "possible": found.alternative is not None,
    }


def explain_item(problem: Problem, selected: Iterable[str], item_id: str, limit: float) -> dict:
    return explanation_dict(explain(problem, plan_of(problem, selected), item_id, limit))


def _weighted(problem: Problem, item: Item) -> float:
    return sum(problem.weights.of(lens) * item.value(lens) for lens in LENSES)


def explanation_order(problem: Problem, selected: Iterable[str]) -> tuple[list[str], list[str]]:
    """Which items to explain first: excluded ones by weighted value (the ones people ask
    about), included ones by how much capacity they take (the ones that cost others most)."""
    chosen = set(selected)
    caps = problem.capacities()

    def share(item: Item) -> float:
        return sum(a / caps[s] if caps[s] > 0 else a for s, a in item.usage.items())

    out = [i for i in problem.items if i.id not in chosen and _weighted(problem, i) > 0]
    out.sort(key=lambda i: -_weighted(problem, i))
    inside = [i for i in problem.items if i.id in chosen and i.id not in problem.mandatory]
    inside.sort(key=lambda i: -share(i))
    return [i.id for i in out], [i.id for i in inside]


def _explain_some(
    problem: Problem, selected: list[str], ids: list[str], budget: float, limit: int
) -> dict[str, dict]:
    found: dict[str, dict] = {}
    ends = time.perf_counter() + budget
    for item_id in ids[:limit]:
        left = ends - time.perf_counter()
        if left <= 0.05:
            break
        found[item_id] = explain_item(problem, selected, item_id, min(5.0, left))
    return found


def pareto_dict(problem: Problem, points: int, limit: float) -> dict:
    front = pareto(replace(problem, fairness=None), max_points=points, time_limit=limit)
    return {
        "points": [
            {
                "product": p.product,
                "operations": p.operations,
                "customer": values_of(problem, p.plan.selected)["customer"],
                "proven": p.proven,
                "gap": p.gap if math.isfinite(p.gap) else None,
                "selected": ordered(problem, p.plan.selected),
            }
            for p in front.points
        ],
        "complete": front.complete,
    }


def run_all(
    inputs: Mapping,
    *,
    solve_limit: float = 30.0,
    pareto_limit: float = 15.0,
    pareto_points: int = 12,
    explain_budget: float = 20.0,
    explain_max: int = 40,
    report: Report | None = None,
) -> tuple[dict, dict]:
    """Solve, compare with the baseline, explain, sweep the trade-off; returns (result, timings).

    ``report(stage, fraction)`` is called between the steps (progress for the page)."""
    report = report or (lambda stage, fraction: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    problem = problem_from(inputs)
    report("solve", 0.05)
    plan = solve(problem, time_limit=solve_limit)
    timings["solve"] = time.perf_counter() - clock
    result: dict = {
        "status": plan.status,
        "optimal": plan.optimal,
        "gap": plan.gap if math.isfinite(plan.gap) else None,
        "feasible": plan.feasible,
    }
    report("baseline", 0.35)
    clock = time.perf_counter()
    baseline = greedy_items(problem)
    result["baseline"] = summary(problem, baseline.selected) | {"feasible": baseline.feasible}
    timings["baseline"] = time.perf_counter() - clock
    selected = ordered(problem, plan.selected) if plan.feasible else []
    result |= summary(problem, selected)
    result["optimal_selected"] = list(selected)
    result["adopted"] = None
    result["explanations"] = {}
    result["adopted_explanations"] = {}
    result["pareto"] = {"points": [], "complete": True}
    if not plan.feasible:
        return result, timings
    report("explain", 0.45)
    clock = time.perf_counter()
    out, inside = explanation_order(problem, selected)
    half = explain_budget / 2
    result["explanations"] = _explain_some(problem, selected, out, half, explain_max)
    result["explanations"] |= _explain_some(problem, selected, inside, half, explain_max)
    timings["explain"] = time.perf_counter() - clock
    report("pareto", 0.7)
    clock = time.perf_counter()
    result["pareto"] = pareto_dict(problem, pareto_points, pareto_limit)
    timings["pareto"] = time.perf_counter() - clock
    return result, timings


def adopt(inputs: Mapping, result: Mapping, index: int) -> dict:
    """The result with the selection of Pareto point ``index`` (explanations of the adopted
    selection start empty; the optimal selection keeps its own)."""
    points = result["pareto"]["points"]
    if not 0 <= index < len(points):
        raise IndexError(index)
    problem = problem_from(inputs)
    return (
        dict(result)
        | summary(problem, points[index]["selected"])
        | {
            "adopted": index,
            "adopted_explanations": {},
        }
    )


def current_explanations(result: Mapping) -> dict:
    """Explanations that belong to the current selection."""
    if result.get("adopted") is None:
        return result.get("explanations", {})
    return result.get("adopted_explanations", {})


def diff(before: Iterable[str], after: Iterable[str]) -> dict[str, list[str]]:
    """What came in and what went out between two selections (in the order given)."""
    old, new = list(before), list(after)
    old_set, new_set = set(old), set(new)
    return {
        "came_in": [i for i in new if i not in old_set],
        "went_out": [i for i in old if i not in new_set],
    }
