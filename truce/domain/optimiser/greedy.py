"""The two rankings people do by hand, kept as baselines every optimised plan is compared with.

`greedy_items` is a tracker's "sort by priority per effort, cut at capacity" (priority counts the
item's own value plus the weight of the customers asking for it); `greedy_customers` ranks whole
customer requests by weight per cost. Both respect prerequisites, exclusions and exclusive groups,
so their plans are valid and the comparison is fair.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from truce.domain.optimiser.evaluate import EPS, close, closures, make_plan
from truce.domain.optimiser.model import Plan, Problem, Slot


class _Packer:
    """Adds bundles of items (an item and what it drags in) while everything still fits."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.items = problem.item_map()
        self.closure = closures(problem)
        self.capacity = problem.capacities()
        self.usage: dict[Slot, float] = dict.fromkeys(self.capacity, 0.0)
        self.selected: set[str] = set()

    def cost(self, ids: Iterable[str]) -> float:
        """Demand as a share of each capacity, summed: one number comparable across pools.
        Summed exactly (`fsum`), so the ranking does not depend on the order a set of ids
        happens to iterate in (it changes with the interpreter's string hashing)."""
        shares = []
        for item_id in ids:
            for slot, amount in self.items[item_id].usage.items():
                if amount > 0:
                    cap = self.capacity[slot]
                    shares.append(amount / cap if cap > 0 else math.inf)
        return math.fsum(shares)

    def bundle(self, ids: Iterable[str]) -> set[str]:
        return close(ids, self.closure) - self.selected

    def fits(self, bundle: set[str]) -> bool:
        if bundle & self.problem.excluded:
            return False
        after = self.selected | bundle
        if any(len(g & after) > 1 for g in self.problem.exclusive_groups):
            return False
        extra = dict.fromkeys(self.capacity, 0.0)
        for item_id in bundle:
            for slot, amount in self.items[item_id].usage.items():
                extra[slot] += amount
        return all(self.usage[s] + extra[s] <= self.capacity[s] + EPS for s in self.capacity)

    def add(self, bundle: set[str]) -> None:
        for item_id in bundle:
            for slot, amount in self.items[item_id].usage.items():
                self.usage[slot] += amount
        self.selected |= bundle

    def try_add(self, ids: Iterable[str]) -> bool:
        bundle = self.bundle(ids)
        if not self.fits(bundle):
            return False
        self.add(bundle)
        return True

    def start(self) -> bool:
        """Mandatory items go in first, whatever they cost; False when they do not fit."""
        bundle = self.bundle(self.problem.mandatory)
        ok = self.fits(bundle)
        self.add(bundle)
        return ok


def _ratio(score: float, cost: float) -> float:
    return math.inf if cost <= 0 else score / cost


def item_scores(problem: Problem, *, votes: bool) -> dict[str, float]:
    """An item's priority: its weighted own value, plus (if `votes`) its customers' weight."""
    w = problem.weights
    scores = {
        item.id: w.product * item.product
        + w.operations * item.operations
        + w.customer * item.customer
        for item in problem.items
    }
    if votes:
        for customer in problem.customers:
            for item_id in customer.wants:
                scores[item_id] += w.customer * customer.weight
    return scores


def _fill_items(packer: _Packer, scores: dict[str, float]) -> None:
    ranked = sorted(
        (item.id for item in packer.problem.items if scores[item.id] > 0),
        key=lambda i: -_ratio(scores[i], packer.cost([i])),
    )
    for item_id in ranked:
        packer.try_add([item_id])


def _finish(packer: _Packer, ok: bool, started: float) -> Plan:
    status = "heuristic" if ok else "infeasible"
    seconds = time.perf_counter() - started
    return make_plan(
        packer.problem, packer.selected, status=status, bound=math.inf, seconds=seconds
    )


def greedy_items(problem: Problem) -> Plan:
    """Rank single items by priority per cost and take them in order while they fit."""
    started = time.perf_counter()
    packer = _Packer(problem)
    ok = packer.start()
    _fill_items(packer, item_scores(problem, votes=True))
    return _finish(packer, ok, started)


def greedy_customers(problem: Problem) -> Plan:
    """Rank customers by weight per cost of everything they need, then top up with single items."""
    started = time.perf_counter()
    packer = _Packer(problem)
    ok = packer.start()
    weight = problem.weights.customer

    def key(customer_index: int) -> float:
        customer = problem.customers[customer_index]
        return -_ratio(weight * customer.weight, packer.cost(packer.bundle(customer.wants)))

    for index in sorted(range(len(problem.customers)), key=key):
        if weight * problem.customers[index].weight > 0:
            packer.try_add(problem.customers[index].wants)
    _fill_items(packer, item_scores(problem, votes=False))
    return _finish(packer, ok, started)


def baselines(problem: Problem) -> dict[str, Plan]:
    return {"items": greedy_items(problem), "customers": greedy_customers(problem)}
