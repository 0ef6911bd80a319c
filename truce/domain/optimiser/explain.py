"""Why an item is in or out of a plan, in terms people can act on.

For an excluded item: what blocks it outright, how much more capacity would let it in on top of
the plan, and which planned items it would displace if capacity stays as it is. For an included
item: what dropping it would give back, lens by lens — what it costs the other side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from truce.domain.optimiser.evaluate import EPS, close, closures
from truce.domain.optimiser.model import LENSES, Plan, Problem, Slot
from truce.domain.optimiser.solve import solve


@dataclass(frozen=True)
class Explanation:
    """`alternative` is the best plan with the item's status flipped (None when it cannot be).

    `value_change` is alternative minus plan per lens; `displaced` are planned items the
    alternative drops and `added` the items it brings in.
    """

    item: str
    included: bool
    blocked_by: tuple[str, ...]
    bundle: tuple[str, ...]
    extra_capacity: Mapping[Slot, float]
    displaced: tuple[str, ...]
    added: tuple[str, ...]
    value_change: Mapping[str, float]
    objective_change: float
    alternative: Plan | None


def explain(problem: Problem, plan: Plan, item_id: str, time_limit: float = 5.0) -> Explanation:
    if item_id not in problem.item_map():
        raise KeyError(item_id)
    if item_id in plan.selected:
        return _explain_included(problem, plan, item_id, time_limit)
    return _explain_excluded(problem, plan, item_id, time_limit)


def _explain_included(problem: Problem, plan: Plan, item_id: str, time_limit: float) -> Explanation:
    blocked = ("mandatory",) if item_id in close(problem.mandatory, closures(problem)) else ()
    alternative = None
    if not blocked:
        alternative = solve(replace(problem, excluded=problem.excluded | {item_id}), time_limit)
    return _compare(problem, plan, item_id, True, blocked, (), {}, alternative)


def _explain_excluded(problem: Problem, plan: Plan, item_id: str, time_limit: float) -> Explanation:
    closure = closures(problem)
    bundle = (closure[item_id] | {item_id}) - set(plan.selected)
    blocked = _blockers(problem, plan, bundle)
    extra = _extra_capacity(problem, plan, bundle)
    alternative = None
    if not any(b.startswith("excluded") for b in blocked):
        forced = replace(problem, mandatory=problem.mandatory | {item_id})
        alternative = solve(forced, time_limit)
        if not alternative.feasible:
            blocked += ("no valid plan contains it",)
            alternative = None
    ordered = tuple(i.id for i in problem.items if i.id in bundle)
    return _compare(problem, plan, item_id, False, blocked, ordered, extra, alternative)


def _blockers(problem: Problem, plan: Plan, bundle: set[str]) -> tuple[str, ...]:
    reasons = [f"excluded: {i}" for i in sorted(bundle & problem.excluded)]
    chosen = set(plan.selected)
    for group in problem.exclusive_groups:
        rivals = sorted((group & chosen) - bundle)
        if group & bundle and rivals:
            reasons += [f"exclusive with {r}" for r in rivals]
    return tuple(reasons)


def _extra_capacity(problem: Problem, plan: Plan, bundle: set[str]) -> dict[Slot, float]:
    """Capacity to add so the item and its missing prerequisites fit without dropping anything."""
    extra: dict[Slot, float] = {}
    capacity = problem.capacities()
    items = problem.item_map()
    for slot, cap in capacity.items():
        need = plan.usage.get(slot, 0.0) + sum(items[i].usage.get(slot, 0.0) for i in bundle)
        if need > cap + EPS:
            extra[slot] = need - cap
    return extra


def _compare(
    problem: Problem,
    plan: Plan,
    item_id: str,
    included: bool,
    blocked: tuple[str, ...],
    bundle: tuple[str, ...],
    extra: Mapping[Slot, float],
    alternative: Plan | None,
) -> Explanation:
    before = set(plan.selected)
    after = set(alternative.selected) if alternative else before
    order = [i.id for i in problem.items]
    change = {
        lens: (alternative.values[lens] - plan.values[lens]) if alternative else 0.0
        for lens in LENSES
    }
    return Explanation(
        item=item_id,
        included=included,
        blocked_by=blocked,
        bundle=bundle,
        extra_capacity=extra,
        displaced=tuple(i for i in order if i in before - after),
        added=tuple(i for i in order if i in after - before),
        value_change=change,
        objective_change=(alternative.objective - plan.objective) if alternative else 0.0,
        alternative=alternative,
    )
