"""Reader for the Next Release Problem benchmark format (Xuan et al. 2012).

Whitespace-separated integers: levels with requirement costs, prerequisite pairs (a before b),
then customers as weight, number of requests, requested ids (1-based).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from truce.domain.optimiser.model import Customer, Item, Pool, Problem, Weights

POOL = "budget"
PERIOD = "release"


class NrpFormatError(ValueError):
    """The file is not a valid NRP instance; the message says where it went wrong."""


@dataclass(frozen=True)
class NrpInstance:
    name: str
    costs: tuple[int, ...]
    prerequisites: tuple[tuple[int, int], ...]
    customers: tuple[tuple[int, tuple[int, ...]], ...]

    @property
    def total_cost(self) -> int:
        return sum(self.costs)


class _Tokens:
    def __init__(self, text: str) -> None:
        self._iter: Iterator[str] = iter(text.split())
        self.position = 0

    def next(self, what: str, minimum: int = 0) -> int:
        self.position += 1
        token = next(self._iter, None)
        if token is None:
            raise NrpFormatError(f"file ends early: expected {what} (token {self.position})")
        try:
            value = int(token)
        except ValueError:
            raise NrpFormatError(f"expected an integer {what}, got {token!r}") from None
        if value < minimum:
            raise NrpFormatError(f"{what} must be at least {minimum}, got {value}")
        return value

    def rest(self) -> list[str]:
        return list(self._iter)


def parse_nrp(text: str, name: str = "nrp") -> NrpInstance:
    tokens = _Tokens(text)
    costs: list[int] = []
    for level in range(tokens.next("number of levels", 1)):
        count = tokens.next(f"requirement count of level {level + 1}")
        costs += [tokens.next("requirement cost") for _ in range(count)]
    n = len(costs)
    pairs = []
    for _ in range(tokens.next("number of dependencies")):
        pair = (tokens.next("prerequisite id", 1), tokens.next("dependent id", 1))
        pairs.append(pair)
    customers = []
    for _ in range(tokens.next("number of customers")):
        weight = tokens.next("customer weight")
        wants = tuple(tokens.next("requested id", 1) for _ in range(tokens.next("request count")))
        customers.append((weight, wants))
    too_big = [
        i for i in [*(a for p in pairs for a in p), *(r for _, w in customers for r in w)] if i > n
    ]
    if too_big:
        raise NrpFormatError(f"requirement id {too_big[0]} out of range 1..{n}")
    if tokens.rest():
        raise NrpFormatError("unexpected data after the last customer")
    # Repeated dependency lines occur in the published files; they mean nothing more.
    return NrpInstance(name, tuple(costs), tuple(dict.fromkeys(pairs)), tuple(customers))


def read_nrp(path: str | Path) -> NrpInstance:
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise NrpFormatError(f"{path}: not a text file of integers") from None
    try:
        return parse_nrp(text, name=path.stem)
    except NrpFormatError as error:
        raise NrpFormatError(f"{path}: {error}") from None


def nrp_budget(instance: NrpInstance, ratio: str | float | Decimal) -> int:
    """ratio × total cost, rounded half up in exact decimals (0.5 × 515 = 258, not 257)."""
    try:
        exact = Decimal(str(ratio))
    except InvalidOperation:
        raise ValueError(f"ratio must be a number, got {ratio!r}") from None
    if not exact.is_finite() or exact < 0:
        raise ValueError(f"ratio must be a non-negative number, got {ratio!r}")
    return int((exact * instance.total_cost).to_integral_value(rounding=ROUND_HALF_UP))


def nrp_problem(instance: NrpInstance, ratio: str | float | Decimal) -> Problem:
    """The instance as a Problem: one pool (the budget), customers' weights as customer value."""
    requires: dict[int, list[str]] = {}
    for before, after in instance.prerequisites:
        requires.setdefault(after, []).append(str(before))
    items = tuple(
        Item(id=str(j), usage={(POOL, PERIOD): cost}, requires=tuple(requires.get(j, ())))
        for j, cost in enumerate(instance.costs, start=1)
    )
    customers = tuple(
        Customer(id=f"c{i}", weight=weight, wants=frozenset(str(r) for r in wants))
        for i, (weight, wants) in enumerate(instance.customers, start=1)
    )
    pool = Pool(POOL, {PERIOD: nrp_budget(instance, ratio)})
    return Problem(items=items, pools=(pool,), customers=customers, weights=Weights())
