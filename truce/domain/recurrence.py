"""Recurring meetings: which dates a weekly or fortnightly series falls on, and when exactly.

Pure Python (zoneinfo from the standard library): the meetings app hands in a rule and a
window, and gets dates and aware datetimes back.

The rule, in words: a series meets on one weekday, every week or every other week, from its
first date (``starts_on``) to its last (``until``, optional). The first meeting is the first
such weekday on or after ``starts_on``; a fortnightly series then meets every 14 days from it,
so its rhythm never drifts whatever window is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CADENCE_DAYS = {"weekly": 7, "biweekly": 14}


@dataclass(frozen=True)
class Rule:
    cadence: str  # "weekly" or "biweekly"
    weekday: int  # 0 = Monday … 6 = Sunday
    starts_on: date
    until: date | None = None

    def __post_init__(self) -> None:
        if self.cadence not in CADENCE_DAYS:
            raise ValueError(f"unknown cadence {self.cadence!r}")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.until is not None and self.until < self.starts_on:
            raise ValueError("until must not be before starts_on")


def first_date(rule: Rule) -> date:
    """The first meeting: the rule's weekday on or after ``starts_on``."""
    return rule.starts_on + timedelta(days=(rule.weekday - rule.starts_on.weekday()) % 7)


def occurrences(rule: Rule, start: date, end: date) -> list[date]:
    """Meeting dates within ``start``..``end`` (both inclusive), in order."""
    step = CADENCE_DAYS[rule.cadence]
    first = first_date(rule)
    last = min(end, rule.until) if rule.until else end
    if last < first or last < start:
        return []
    skip = max(0, -(-(start - first).days // step))  # ceil: first occurrence >= start
    current = first + timedelta(days=skip * step)
    out = []
    while current <= last:
        out.append(current)
        current += timedelta(days=step)
    return out


def is_occurrence(rule: Rule, day: date) -> bool:
    return occurrences(rule, day, day) == [day]


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def starts_at(day: date, at: time, tz: str) -> datetime:
    """The aware UTC instant of ``day`` at ``at`` wall-clock time in ``tz``.

    A wall time skipped by a daylight-saving change resolves as zoneinfo does (fold=0: the
    offset before the change), so a series never loses a meeting to a clock change."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def window(day: date, at: time, minutes: int, tz: str) -> tuple[datetime, datetime]:
    begin = starts_at(day, at, tz)
    return begin, begin + timedelta(minutes=minutes)
