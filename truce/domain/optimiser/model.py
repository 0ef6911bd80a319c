"""Problem and plan dataclasses of the allocation optimiser.

Ids are strings throughout (requirement and campaign ids, pools, periods) so the app can build a
Problem from its own records and the NRP reader can use "1", "2", ….
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

LENSES = ("product", "operations", "customer")

Slot = tuple[str, str]
"""A (pool, period) pair: where capacity is offered and where items consume it."""


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Item:
    """A requirement or a campaign that can be put into the plan.

    `usage` is the demand per (pool, period); `requires` are prerequisites (the item only comes
    with them); `promotes` is the feature a campaign promotes, which it cannot go without.
    """

    id: str
    product: float = 0.0
    operations: float = 0.0
    customer: float = 0.0
    usage: Mapping[Slot, float] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    promotes: tuple[str, ...] = ()
    kind: str = "requirement"

    def __post_init__(self) -> None:
        object.__setattr__(self, "usage", _frozen(self.usage))
        object.__setattr__(self, "requires", tuple(self.requires))
        object.__setattr__(self, "promotes", tuple(self.promotes))

    def value(self, lens: str) -> float:
        return float(getattr(self, lens))


@dataclass(frozen=True)
class Pool:
    """A resource pool (a team, a budget, a channel) with its capacity per period."""

    id: str
    capacity: Mapping[str, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "capacity", _frozen(self.capacity))


@dataclass(frozen=True)
class Customer:
    """A customer who counts only when every item it asked for is in the plan (the NRP case)."""

    id: str
    weight: float
    wants: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "wants", frozenset(self.wants))


@dataclass(frozen=True)
class Weights:
    """How much each lens counts in the objective."""

    product: float = 1.0
    operations: float = 1.0
    customer: float = 1.0

    def of(self, lens: str) -> float:
        return float(getattr(self, lens))


@dataclass(frozen=True)
class Fairness:
    """Floors: each side gets at least this share of the value it could reach on its own."""

    product: float = 0.0
    operations: float = 0.0


@dataclass(frozen=True)
class Problem:
    items: tuple[Item, ...]
    pools: tuple[Pool, ...] = ()
    customers: tuple[Customer, ...] = ()
    mandatory: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    exclusive_groups: tuple[frozenset[str], ...] = ()
    weights: Weights = Weights()
    fairness: Fairness | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "pools", tuple(self.pools))
        object.__setattr__(self, "customers", tuple(self.customers))
        object.__setattr__(self, "mandatory", frozenset(self.mandatory))
        object.__setattr__(self, "excluded", frozenset(self.excluded))
        groups = tuple(frozenset(g) for g in self.exclusive_groups)
        object.__setattr__(self, "exclusive_groups", groups)
        validate(self)

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def item_map(self) -> Mapping[str, Item]:
        return self._by_id

    def capacities(self) -> dict[Slot, float]:
        return dict(self._capacities)

    # Cached lookups: the instance is frozen, so they can never go stale.
    @cached_property
    def _by_id(self) -> Mapping[str, Item]:
        return MappingProxyType({item.id: item for item in self.items})

    @cached_property
    def _capacities(self) -> Mapping[Slot, float]:
        caps = {(p.id, t): float(c) for p in self.pools for t, c in p.capacity.items()}
        return MappingProxyType(caps)


def validate(problem: Problem) -> None:
    """Reject references to unknown ids early: a typo would otherwise silently drop a constraint."""
    ids = [item.id for item in problem.items]
    known = set(ids)
    if len(known) != len(ids):
        raise ValueError("duplicate item ids")
    slots = set(problem.capacities())
    for item in problem.items:
        for ref in (*item.requires, *item.promotes):
            if ref not in known:
                raise ValueError(f"item {item.id!r} refers to unknown item {ref!r}")
        for slot in item.usage:
            if slot not in slots:
                raise ValueError(f"item {item.id!r} uses unknown pool/period {slot!r}")
    named = [("mandatory", problem.mandatory), ("excluded", problem.excluded)]
    named += [("exclusive group", g) for g in problem.exclusive_groups]
    named += [(f"customer {c.id!r}", c.wants) for c in problem.customers]
    for label, refs in named:
        unknown = sorted(set(refs) - known)
        if unknown:
            raise ValueError(f"{label} refers to unknown items {unknown}")


@dataclass(frozen=True)
class Plan:
    """The chosen portfolio and how good it provably is.

    `values` holds the achieved value per lens, summed from the inputs (not read back from the
    solver), `objective` their weighted sum, `bound` the solver's proven upper bound and `gap` the
    relative distance between them. `baselines` holds the objective of the manual rankings.
    """

    status: str
    optimal: bool
    selected: tuple[str, ...]
    satisfied_customers: tuple[str, ...]
    values: Mapping[str, float]
    objective: float
    bound: float
    gap: float
    seconds: float
    usage: Mapping[Slot, float]
    baselines: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _frozen(self.values))
        object.__setattr__(self, "usage", _frozen(self.usage))
        object.__setattr__(self, "baselines", _frozen(self.baselines))

    @property
    def feasible(self) -> bool:
        return self.status not in ("infeasible", "no_solution")
