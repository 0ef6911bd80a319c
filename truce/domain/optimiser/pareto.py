"""The trade-off curve between product value and operations value.

The points are non-dominated plans sorted by rising operations value. The two ends come first
(best product with operations as a tiny tie-break, and the other way round), then targets evenly
spaced in operations value between them, in bisection order, so stopping early still leaves a
spread-out curve. The sweep is anytime: it returns the best points found within the budget. Once
there are enough points, the time left re-solves the unproven ones (largest gap first); a proof
that merges two points sends the sweep back to finding points (midpoints of the widest gaps).

Each target is reached in the cheapest way that works:
- a weighted sum `product + λ·operations` with λ the LP relaxation's price of operations at the
  target. Its optimum is a *supported* point: solved to optimality it is provably not dominated by
  any plan, and such solves are fast (no extra knapsack row, a tight LP);
- when that lands on a point already known (no supported point near the target), an
  epsilon-constraint solve: best product with operations >= target, accepted at a small relative
  gap. A proven one is followed by a lexicographic solve (best operations keeping that product);
  an unproven one by a cheap fill (adding items that raise operations without costing product).

One HiGHS model serves the whole sweep: only the objective and the bounds of two rows (operations
and product floors) change between solves, and every solve starts from the best known plan.
Each point reports its gap: the largest relative gap among the solves behind it (0 when proven).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from truce.domain.optimiser.evaluate import EPS, closures, make_plan, violations
from truce.domain.optimiser.highs import Result, ReusableModel
from truce.domain.optimiser.model import Plan, Problem, Weights
from truce.domain.optimiser.solve import (
    TREE_SETTINGS,
    SolveOptions,
    _encode,
    _formulate,
    _reduce,
    chosen,
)

PRODUCT = Weights(product=1.0, operations=0.0, customer=0.0)
OPERATIONS = Weights(product=0.0, operations=1.0, customer=0.0)
SIDES = ("product", "operations")
GAP = 1e-3  # relative gap at which an epsilon-constraint point is accepted
TIE = 1e-5  # the ends' tie-break weight, relative to the totals of both lenses


@dataclass(frozen=True)
class ParetoPoint:
    product: float
    operations: float
    proven: bool
    plan: Plan
    gap: float = 0.0


@dataclass(frozen=True)
class ParetoFront:
    """Points sorted by rising operations value; `complete` when every target was answered and
    every point is proven not dominated by any plan."""

    points: tuple[ParetoPoint, ...]
    complete: bool
    seconds: float

    @property
    def proven(self) -> int:
        return sum(p.proven for p in self.points)

    @property
    def max_gap(self) -> float:
        return max((p.gap for p in self.points), default=0.0)


def _slack(value: float) -> float:
    return 1e-6 + 1e-9 * abs(value)


def _closed(result: Result) -> bool:
    """Solved with no gap at all (HiGHS also says "optimal" within a requested gap, and may stop
    on its time limit just as the bound meets the incumbent)."""
    return result.has_solution and result.bound - result.objective <= _slack(result.objective)


def _gap(result: Result) -> float:
    if not result.has_solution:
        return math.inf
    return max(0.0, result.bound - result.objective) / max(1.0, abs(result.objective))


class _Model:
    """The reduced problem as one reusable MILP with an operations row and a product row."""

    def __init__(self, problem: Problem) -> None:
        self.problem = replace(problem, fairness=None, weights=Weights(1.0, 1.0, 0.0))
        self.reduced = _reduce(self.problem, SolveOptions())
        model = _formulate(self.reduced, {}, SolveOptions())
        self.highs: ReusableModel | None = None
        if self.reduced is None or model is None:
            return
        columns = self.reduced.columns
        self.value = {
            side: np.array(
                [
                    self.problem.item(c.members[0]).value(side) if c.kind == "item" else 0.0
                    for c in columns
                ]
            )
            for side in SIDES
        }
        self.base = {
            side: sum(self.problem.item(i).value(side) for i in self.reduced.fixed_in)
            for side in SIDES
        }
        self.row: dict[str, int] = {}
        for side in SIDES:
            self.row[side] = len(model.row_lower)
            model.add_row(
                -math.inf, math.inf, [(k, v) for k, v in enumerate(self.value[side]) if v]
            )
        model.offset = 0.0  # the fixed-in part is added back in `base`
        if columns:
            self.highs = ReusableModel(
                model, [c.kind != "customer" for c in columns], TREE_SETTINGS
            )
        self.closure = closures(self.problem)

    def plan(
        self, selected: set[str], proven: bool, gap: float, weights: Weights = PRODUCT
    ) -> Plan:
        """`objective` is the value on the lens of `weights`; `bound` is not known (nan)."""
        return make_plan(
            replace(self.problem, weights=weights),
            selected,
            status="optimal" if proven else "time_limit",
            bound=math.nan,
            seconds=0.0,
            optimal=proven,
            gap=gap,
        )

    def decode(self, result: Result) -> set[str]:
        assert self.reduced is not None
        return chosen(self.reduced, result.x)

    def encode(self, selected: tuple[str, ...]) -> list[float] | None:
        return _encode(self.reduced, set(selected))

    def floors(self, floors: dict[str, float]) -> dict[int, float]:
        rows = {self.row[side]: -math.inf for side in SIDES}
        for side, floor in floors.items():
            rows[self.row[side]] = floor - self.base[side] - _slack(floor)
        return rows

    def solve(
        self,
        costs: np.ndarray,
        floors: dict[str, float],
        time_limit: float,
        gap: float,
        start: tuple[str, ...] | None,
    ) -> Result:
        assert self.highs is not None
        warm = self.encode(start) if start is not None else None
        return self.highs.solve(
            costs, self.floors(floors), time_limit=time_limit, gap=gap, start=warm
        )

    def price(self, eps: float) -> float | None:
        """The LP relaxation's price of operations value at `eps` (product per unit)."""
        assert self.highs is not None
        rows = self.floors({"operations": eps})
        return self.highs.dual(self.value["product"], rows, self.row["operations"])

    def fill(self, selected: set[str]) -> set[str]:
        """Add bundles (an item and its prerequisites) that raise operations value, cost no
        product value and still fit: a cheap stand-in for the lexicographic second solve."""
        problem, reduced = self.problem, self.reduced
        assert reduced is not None
        capacity = problem.capacities()
        usage = dict.fromkeys(capacity, 0.0)
        for item_id in selected:
            for slot, amount in problem.item(item_id).usage.items():
                usage[slot] += amount
        candidates = sorted(
            (i for i, k in reduced.column_of_item.items() if reduced.columns[k].kind == "item"),
            key=lambda i: -problem.item(i).operations,
        )
        for item_id in candidates:
            if item_id in selected:
                continue
            bundle = ({item_id} | self.closure[item_id]) - selected
            if bundle & reduced.fixed_out:
                continue
            gain = {s: sum(problem.item(i).value(s) for i in bundle) for s in SIDES}
            if gain["operations"] <= 0 or gain["product"] < 0:
                continue
            after = selected | bundle
            if any(len(g & after) > 1 for g in problem.exclusive_groups):
                continue
            extra = dict.fromkeys(capacity, 0.0)
            for i in bundle:
                for slot, amount in problem.item(i).usage.items():
                    extra[slot] += amount
            if all(usage[s] + extra[s] <= capacity[s] + EPS for s in capacity):
                selected = after
                for s in capacity:
                    usage[s] += extra[s]
        return selected


Redo = Callable[[float, "ParetoPoint"], "ParetoPoint | None"]


class _Sweep:
    def __init__(self, problem: Problem, time_limit: float, gap: float) -> None:
        self.model = _Model(problem)
        self.deadline = time.perf_counter() + time_limit
        self.gap = gap
        self.points: list[ParetoPoint] = []
        self.redo: dict[tuple[float, float], Redo] = {}  # how to prove an unproven point

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def point(
        self, selected: set[str], runs: list[Result], weights: Weights = PRODUCT
    ) -> ParetoPoint:
        proven = all(_closed(r) for r in runs)
        gap = 0.0 if proven else max(_gap(r) for r in runs)
        plan = self.model.plan(selected, proven, gap, weights)
        return ParetoPoint(plan.values["product"], plan.values["operations"], proven, plan, gap)

    def best_start(self, key: Callable[[ParetoPoint], float | None]) -> tuple[str, ...] | None:
        scored = [(score, p) for p in self.points if (score := key(p)) is not None]
        return max(scored, key=lambda sp: sp[0])[1].plan.selected if scored else None

    def weighted(
        self, costs: np.ndarray, budget: float, start: tuple[str, ...] | None, weights: Weights
    ) -> ParetoPoint | None:
        """The optimum of `costs · x` (positive on both lenses): a supported point, not dominated
        by any plan once proven."""
        result = self.model.solve(costs, {}, budget, 0.0, start)
        if not result.has_solution:
            return None
        found = self.point(self.model.decode(result), [result], weights)
        if not found.proven:
            key = (found.product, found.operations)
            self.redo[key] = lambda t, p: self.weighted(costs, t, p.plan.selected, weights)
        return found

    def end(self, side: str, share: float) -> ParetoPoint | None:
        """Best on `side`, ties broken by the other side: one weighted solve whose tie-break
        weight is too small to trade more than 1e-5 of the total `side` value for it, so its
        optimum is not dominated by any plan (a lexicographic second solve costs more)."""
        other = "operations" if side == "product" else "product"
        m = self.model
        scale = max(1.0, float(np.abs(m.value[side]).sum()))
        tie = TIE * scale / max(1.0, float(np.abs(m.value[other]).sum()))
        weights = PRODUCT if side == "product" else OPERATIONS
        costs = m.value[side] + tie * m.value[other]
        return self.weighted(costs, self.left() * share, None, weights)

    def near(self, eps: float, share: float) -> ParetoPoint | None:
        """A new point with operations value near `eps`, or None."""
        m = self.model
        price = m.price(eps)
        if price is not None and price > 0:
            costs = m.value["product"] + price * m.value["operations"]
            start = self.best_start(lambda p: p.product + price * p.operations)
            found = self.weighted(costs, self.left() * share, start, PRODUCT)
            if found is not None and self.new(found):
                return found
        start = self.best_start(lambda p: p.product if p.operations >= eps else None)
        found = self.epsilon(eps, self.left() * share, start, self.gap)
        return found if found is not None and self.new(found) else None

    def epsilon(
        self, eps: float, budget: float, start: tuple[str, ...] | None, gap: float
    ) -> ParetoPoint | None:
        """Best product with operations >= `eps` (at relative `gap`); once proven, best
        operations keeping that product; unproven, a cheap fill instead."""
        m = self.model
        ends = time.perf_counter() + budget
        first = m.solve(m.value["product"], {"operations": eps}, budget, gap, start)
        if not first.has_solution:
            return None
        selected = m.decode(first)
        runs = [first]
        if _closed(first):
            achieved = m.base["product"] + float(m.value["product"] @ np.array(first.x))
            floors = {"operations": eps, "product": achieved}
            budget = max(ends - time.perf_counter(), 0.01)
            second = m.solve(m.value["operations"], floors, budget, 0.0, tuple(selected))
            if second.has_solution:
                selected = m.decode(second)
                runs.append(second)
        if not all(_closed(r) for r in runs):
            selected = m.fill(selected)
        found = self.point(selected, runs)
        if not found.proven:
            key = (found.product, found.operations)
            self.redo[key] = lambda t, p: self.epsilon(eps, t, p.plan.selected, 0.0)
        return found

    def polish(self) -> bool:
        """Re-solve the unproven point with the largest gap, with an even share of the time left
        among the unproven points; False when there is nothing left to prove."""
        pending = [
            p for p in self.points if not p.proven and (p.product, p.operations) in self.redo
        ]
        if not pending:
            return False
        point = max(pending, key=lambda p: p.gap)
        redo = self.redo.pop((point.product, point.operations))
        better = redo(self.left() / len(pending), point)
        if better is not None and (
            better.proven
            or (better.product, better.operations) != (point.product, point.operations)
        ):
            self.points = [p for p in self.points if p is not point]
            self.add(better)
        return True

    def new(self, point: ParetoPoint) -> bool:
        return all(
            abs(point.product - p.product) > _slack(p.product)
            or abs(point.operations - p.operations) > _slack(p.operations)
            for p in self.points
        )

    def add(self, point: ParetoPoint | None) -> None:
        if point is not None and self.new(point):
            self.points = list(_non_dominated([*self.points, point]))


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


def pareto(
    problem: Problem, max_points: int = 20, time_limit: float = 10.0, *, gap: float = GAP
) -> ParetoFront:
    """Up to `max_points` non-dominated plans within `time_limit` seconds; epsilon-constraint
    points are accepted at relative `gap` (weighted-sum points and the ends are solved exactly
    unless time runs out)."""
    started = time.perf_counter()
    sweep = _Sweep(problem, time_limit, gap)
    if sweep.model.highs is None:
        fixed = set(sweep.model.reduced.fixed_in) if sweep.model.reduced is not None else set()
        # With no free column the only plan is the fixed one, if it fits at all.
        if (
            sweep.model.reduced is not None
            and sweep.model.reduced.columns == []
            and not (violations(sweep.model.problem, fixed))
        ):
            only = sweep.model.plan(fixed, True, 0.0)
            point = ParetoPoint(only.values["product"], only.values["operations"], True, only)
            return ParetoFront((point,), True, time.perf_counter() - started)
        return ParetoFront((), True, time.perf_counter() - started)
    for side in SIDES:
        sweep.add(sweep.end(side, 2 / max_points))
    queue: list[float] = []
    if len(sweep.points) >= 2 and max_points > 2:
        low, high = sweep.points[0].operations, sweep.points[-1].operations
        steps = max_points - 1
        targets = [low + (high - low) * k / steps for k in range(1, steps)]
        queue = [targets[i] for i in _bisection_order(len(targets))]
    tried: set[float] = set()
    # Find points while fewer than asked, else prove the unproven ones; a proof can merge a
    # point into another, and then the search for points resumes.
    while sweep.left() > 0:
        if len(sweep.points) < max_points and len(sweep.points) >= 2:
            queue = queue or _refill(sweep.points, tried)
            if queue:
                eps = queue.pop(0)
                tried.add(eps)
                sweep.add(sweep.near(eps, 1 / (max_points - len(sweep.points))))
                continue
        if not sweep.polish():
            break
    points = tuple(sweep.points[:max_points])
    unanswered = (
        len(points) < max_points
        and len(points) >= 2
        and bool(queue or _refill(sweep.points, tried))
    )
    complete = not unanswered and all(p.proven for p in points)
    return ParetoFront(points, complete, time.perf_counter() - started)


def _refill(points: list[ParetoPoint], tried: set[float]) -> list[float]:
    """Midpoints of the widest gaps in operations between neighbouring points, widest first."""
    gaps = sorted(
        (
            (b.operations - a.operations, (a.operations + b.operations) / 2)
            for a, b in itertools.pairwise(points)
        ),
        reverse=True,
    )
    return [mid for width, mid in gaps if width > 1e-6 and mid not in tried]


def _non_dominated(points: list[ParetoPoint]) -> tuple[ParetoPoint, ...]:
    kept: list[ParetoPoint] = []
    for p in sorted(points, key=lambda p: (p.operations, -p.product)):
        if any(
            q.product >= p.product
            and q.operations >= p.operations
            and (q.product, q.operations) != (p.product, p.operations)
            for q in points
        ):
            continue
        if not any((q.product, q.operations) == (p.product, p.operations) for q in kept):
            kept.append(p)
    return tuple(kept)
