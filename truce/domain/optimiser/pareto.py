"""The trade-off curve between product value and operations value (epsilon-constraint).

Each point maximises product value subject to operations value >= epsilon, then maximises
operations value without giving up that product value, so the points are not dominated. The sweep
is anytime: the two ends come first, then epsilons in bisection order, so stopping early still
leaves a spread-out curve; an epsilon already answered by an earlier point is skipped for free.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from truce.domain.optimiser.model import Plan, Problem, Weights
from truce.domain.optimiser.solve import solve_with_floors

PRODUCT = Weights(product=1.0, operations=0.0, customer=0.0)
OPERATIONS = Weights(product=0.0, operations=1.0, customer=0.0)


@dataclass(frozen=True)
class ParetoPoint:
    product: float
    operations: float
    proven: bool
    plan: Plan


@dataclass(frozen=True)
class ParetoFront:
    """Points sorted by rising operations value; `complete` when every epsilon was solved to
    optimality within the budget."""

    points: tuple[ParetoPoint, ...]
    complete: bool
    seconds: float


def _slack(value: float) -> float:
    return 1e-6 + 1e-9 * abs(value)


class _Sweep:
    def __init__(self, problem: Problem, time_limit: float) -> None:
        self.problem = replace(problem, fairness=None)
        self.deadline = time.perf_counter() + time_limit
        self.complete = True
        self.solved: list[tuple[float, ParetoPoint]] = []

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def point(self, first: Weights, floors: dict[str, float], share: float) -> ParetoPoint | None:
        """Lexicographic: best on `first`, then best on the other lens keeping that."""
        second = OPERATIONS if first is PRODUCT else PRODUCT
        main, other = ("product", "operations") if first is PRODUCT else ("operations", "product")
        start = self.solved[-1][1].plan if self.solved else None
        budget = self.left() * share / 2
        plan = solve_with_floors(replace(self.problem, weights=first), floors, budget, start)
        if not plan.feasible:
            return None
        keep = dict(floors) | {main: plan.values[main] - _slack(plan.values[main])}
        budget = max(self.left() * share, 0.01)
        best = solve_with_floors(replace(self.problem, weights=second), keep, budget, plan)
        final = best if best.feasible and best.values[other] >= plan.values[other] else plan
        proven = plan.optimal and best.optimal
        self.complete &= proven
        final = replace(final, baselines={})
        return ParetoPoint(final.values["product"], final.values["operations"], proven, final)


def _bisection_order(count: int) -> list[int]:
    """0..count-1 so that every prefix is spread out: middle first, then quarters, …"""
    order: list[int] = []
    spans = [(0, count - 1)]
    while spans:
        low, high = spans.pop(0)
        if low > high:
            continue
        middle = (low + high) // 2
        order.append(middle)
        spans += [(low, middle - 1), (middle + 1, high)]
    return order


def pareto(problem: Problem, max_points: int = 20, time_limit: float = 10.0) -> ParetoFront:
    started = time.perf_counter()
    sweep = _Sweep(problem, time_limit)
    ends = [sweep.point(PRODUCT, {}, 1 / max_points), sweep.point(OPERATIONS, {}, 1 / max_points)]
    found = [p for p in ends if p is not None]
    if len(found) == 2 and max_points > 2:
        low, high = found[0].operations, found[1].operations
        sweep.solved = [(low, found[0])]
        steps = max_points - 1
        epsilons = [low + (high - low) * k / steps for k in range(1, steps)]
        for rank, index in enumerate(_bisection_order(len(epsilons))):
            eps = epsilons[index]
            if any(e <= eps <= p.operations + 1e-9 for e, p in sweep.solved):
                continue  # an earlier point is already optimal for this epsilon
            if sweep.left() <= 0:
                sweep.complete = False
                break
            point = sweep.point(PRODUCT, {"operations": eps}, 1 / (len(epsilons) - rank))
            if point is not None:
                sweep.solved.append((eps, point))
                found.append(point)
    points = _non_dominated(found)[:max_points]
    return ParetoFront(points, sweep.complete, time.perf_counter() - started)


def _non_dominated(points: list[ParetoPoint]) -> tuple[ParetoPoint, ...]:
    kept: list[ParetoPoint] = []
    for p in sorted(points, key=lambda p: (p.operations, -p.product)):
        if any(
            q.product >= p.product
            and q.operations >= p.operations
            and q is not p
            and (q.product, q.operations) != (p.product, p.operations)
            for q in points
        ):
            continue
        if not any((q.product, q.operations) == (p.product, p.operations) for q in kept):
            kept.append(p)
    return tuple(kept)
