"""Periods of resource pools and the over-commitment rule. Pure Python: no Django.

A pool plans in weeks, months or quarters. A period is named by its first day (a Monday, the
1st of a month, the 1st of January/April/July/October), so a pool's capacity and an item's
demand meet on ``(pool, start)``. Labels are what people write: "2026-W48" (ISO week),
"2026-11", "2026-Q4".

Over-commitment: a slot is over-committed when the demand of *scheduled* items (requirements
scheduled or in progress, campaigns scheduled or running) exceeds its capacity. A slot without
a recorded capacity offers nothing, so any scheduled demand there over-commits it. Demand of
open candidates that are not scheduled yet never over-commits: choosing among them is what
planning is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

WEEK, MONTH, QUARTER = "week", "month", "quarter"
GRANULARITIES = (WEEK, MONTH, QUARTER)

# Which statuses count as "scheduled" (they hold capacity) and which are still open candidates.
SCHEDULED_REQUIREMENT = frozenset({"scheduled", "in_progress"})
OPEN_REQUIREMENT = frozenset({"proposed", "under_review", "accepted", "scheduled", "in_progress"})
SCHEDULED_CAMPAIGN = frozenset({"scheduled", "running"})
OPEN_CAMPAIGN = frozenset({"draft", "proposed", "scheduled", "running"})

SCHEDULED, CANDIDATE = "scheduled", "candidate"

_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*W(\d{1,2})\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _check(granularity: str) -> None:
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown period length {granularity!r}")


def period_start(day: date, granularity: str) -> date:
    """First day of the period of ``granularity`` that contains ``day``."""
    _check(granularity)
    if granularity == WEEK:
        return day - timedelta(days=day.weekday())
    if granularity == MONTH:
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def is_period_start(day: date, granularity: str) -> bool:
    return period_start(day, granularity) == day


def shift(start: date, granularity: str, n: int = 1) -> date:
    """The start of the period ``n`` periods after (or before, n < 0) the one holding ``start``."""
    first = period_start(start, granularity)
    if granularity == WEEK:
        return first + timedelta(weeks=n)
    months = n if granularity == MONTH else 3 * n
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_end(start: date, granularity: str) -> date:
    """Last day of the period that contains ``start``."""
    return shift(start, granularity, 1) - timedelta(days=1)


def periods(day: date, granularity: str, n: int) -> list[date]:
    """Starts of ``n`` consecutive periods, the first being the one that contains ``day``."""
    return [shift(day, granularity, i) for i in range(max(n, 0))]


def label(start: date, granularity: str) -> str:
    """ "2026-W48", "2026-11" or "2026-Q4" for the period containing ``start``."""
    first = period_start(start, granularity)
    if granularity == WEEK:
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    if granularity == MONTH:
        return f"{first.year}-{first.month:02d}"
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def parse(text: str, granularity: str) -> date:
    """The start of the period written as a label of ``granularity`` or as any ISO date inside
    it. Raises ValueError for anything else (a month label for a weekly pool, "2026-13" …)."""
    _check(granularity)
    text = text or ""
    day = _DAY.match(text)
    if day:
        return period_start(date(int(day[1]), int(day[2]), int(day[3])), granularity)
    pattern = {WEEK: _WEEK, MONTH: _MONTH, QUARTER: _QUARTER}[granularity]
    found = pattern.match(text)
    if not found:
        raise ValueError(f"{text!r} is not a {granularity} label")
    year, number = int(found[1]), int(found[2])
    if not 1 <= year <= 9999:
        raise ValueError("year out of range")
    if granularity == WEEK:
        return date.fromisocalendar(year, number, 1)
    if granularity == MONTH:
        return date(year, number, 1)
    return date(year, 3 * number - 2, 1)


def bounds(text: str) -> tuple[date, date]:
    """First and last day of a month ("2026-11"), quarter ("2026-Q4") or ISO week label."""
    for granularity in (MONTH, QUARTER, WEEK):
        try:
            start = parse(text, granularity)
        except ValueError:
            continue
        if not _DAY.match(text or ""):
            return start, period_end(start, granularity)
    raise ValueError(f"{text!r} is not a period label")


def stage(kind: str, status: str) -> str | None:
    """SCHEDULED, CANDIDATE (open but not scheduled) or None (closed) for an item."""
    scheduled, open_ = (
        (SCHEDULED_CAMPAIGN, OPEN_CAMPAIGN)
        if kind == "campaign"
        else (SCHEDULED_REQUIREMENT, OPEN_REQUIREMENT)
    )
    if status in scheduled:
        return SCHEDULED
    if status in open_:
        return CANDIDATE
    return None


def overcommitted(capacity: Decimal | None, scheduled: Decimal) -> bool:
    """The rule: scheduled demand above capacity (no capacity recorded means none)."""
    return scheduled > (capacity or Decimal(0))


@dataclass(frozen=True)
class Load:
    """What one (pool, period) slot offers and what is asked of it.

    ``candidate`` is the demand of every open item, scheduled ones included, so it reads as
    "if everything open were done"; ``scheduled`` is the part already committed.
    """

    capacity: Decimal | None = None
    scheduled: Decimal = Decimal(0)
    candidate: Decimal = Decimal(0)

    @property
    def overcommitted(self) -> bool:
        return overcommitted(self.capacity, self.scheduled)

    @property
    def utilisation(self) -> float | None:
        """Scheduled demand as a share of capacity; None when there is no capacity."""
        return ratio(self.scheduled, self.capacity)

    @property
    def candidate_utilisation(self) -> float | None:
        return ratio(self.candidate, self.capacity)

    @property
    def free(self) -> Decimal:
        return (self.capacity or Decimal(0)) - self.scheduled


def ratio(demand: Decimal, capacity: Decimal | None) -> float | None:
    if not capacity:
        return None
    return float(demand / capacity)


def loads(
    capacities: dict[tuple, Decimal], demands: Iterable[tuple[tuple, str, Decimal]]
) -> dict[tuple, Load]:
    """Combine capacities per slot with ``(slot, stage, amount)`` demands into a Load per slot
    (every slot that has a capacity or any open demand)."""
    scheduled: dict[tuple, Decimal] = {}
    candidate: dict[tuple, Decimal] = {}
    for slot, item_stage, amount in demands:
        if item_stage is None:
            continue
        candidate[slot] = candidate.get(slot, Decimal(0)) + amount
        if item_stage == SCHEDULED:
            scheduled[slot] = scheduled.get(slot, Decimal(0)) + amount
    slots = set(capacities) | set(candidate)
    return {
        slot: Load(
            capacity=capacities.get(slot),
            scheduled=scheduled.get(slot, Decimal(0)),
            candidate=candidate.get(slot, Decimal(0)),
        )
        for slot in slots
    }


def newly_overcommitted(before: dict[tuple, Load], after: dict[tuple, Load]) -> list[tuple]:
    """Slots over-committed after a change that were not before it, in a stable order."""
    return sorted(
        slot
        for slot, load in after.items()
        if load.overcommitted and not (slot in before and before[slot].overcommitted)
    )
