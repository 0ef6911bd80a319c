"""Collaboration health: weekly measures of how product and operations work together.

Pure Python (no Django). Each measure takes plain records and returns one value per week
(weeks start on Monday and are named by that day). ``None`` means "nothing to measure that
week", which a chart shows as a gap rather than a misleading zero.

The definitions (also shown beside each chart, see ``DEFINITIONS``):

- proposal_to_decision: median days from a requirement's creation to the first time it was
  accepted or rejected; counted in the week of the decision.
- contested_share: share of open, scored requirements whose two lenses disagree (contested),
  as recorded in that week's snapshot.
- escalations: conflicts escalated in the week; escalation_to_decision: median days from
  escalation to the decision that closed it, in the week of the decision.
- launch_on_time: share of launches due that week that launched on or before their target
  date (cancelled launches are left out; a launch due and not launched counts as late).
- readiness: share of checklist items done on launches due that week.
- capacity_share: per side, the share of scheduled demand (planned) and of capacity in the
  period of that week (used means demand of items in progress or done).
- key_result_progress: mean progress (0..1) of the period's key results at the week's
  check-ins (the latest check-in of each key result on or before the week's end).
- action_completion: share of action items due that week that were done by their due date.
- cross_side_response: median hours until someone of the other side answers in a comment
  thread, counted in the week of the first comment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median


def week_of(day: date | datetime) -> date:
    """The Monday of ``day``'s ISO week."""
    if isinstance(day, datetime):
        day = day.date()
    return day - timedelta(days=day.weekday())


def weeks(end: date, count: int) -> list[date]:
    """``count`` consecutive week starts ending with the week of ``end``."""
    last = week_of(end)
    return [last - timedelta(weeks=count - 1 - i) for i in range(count)]


def _days(a: datetime | date, b: datetime | date) -> float:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (b - a).total_seconds() / 86400
    a = a.date() if isinstance(a, datetime) else a
    b = b.date() if isinstance(b, datetime) else b
    return float((b - a).days)


def _median_by_week(pairs: Iterable[tuple[date, float]], span: Sequence[date]) -> list:
    buckets: dict[date, list[float]] = defaultdict(list)
    for week, value in pairs:
        buckets[week].append(value)
    return [round(median(buckets[w]), 2) if buckets.get(w) else None for w in span]


def _share_by_week(pairs: Iterable[tuple[date, bool]], span: Sequence[date]) -> list:
    hits: dict[date, list[bool]] = defaultdict(list)
    for week, ok in pairs:
        hits[week].append(ok)
    return [round(sum(hits[w]) / len(hits[w]), 4) if hits.get(w) else None for w in span]


def proposal_to_decision(items: Iterable[tuple[datetime, datetime | None]], span) -> list:
    """``items``: (created, first accepted/rejected or None)."""
    return _median_by_week(
        ((week_of(done), max(0.0, _days(start, done))) for start, done in items if done), span
    )


def escalation_to_decision(items: Iterable[tuple[datetime, datetime | None]], span) -> list:
    return proposal_to_decision(items, span)


def count_by_week(moments: Iterable[datetime | date], span) -> list[int]:
    counts: dict[date, int] = defaultdict(int)
    for moment in moments:
        counts[week_of(moment)] += 1
    return [counts.get(w, 0) for w in span]


def launch_on_time(launches: Iterable[tuple[date, date | None]], span, today: date) -> list:
    """``launches``: (target date, launched on or None). A launch whose target is still in
    the future and not launched yet is not counted."""
    pairs = []
    for target, launched in launches:
        if launched is None and target >= today:
            continue
        pairs.append((week_of(target), launched is not None and launched <= target))
    return _share_by_week(pairs, span)


def readiness(items: Iterable[tuple[date, bool]], span) -> list:
    """``items``: (due date of the launch, item done)."""
    return _share_by_week(((week_of(due), done) for due, done in items), span)


def action_completion(items: Iterable[tuple[date, date | None]], span, today: date) -> list:
    """``items``: (due date, day done or None). Items due in the future are not counted."""
    pairs = [
        (week_of(due), done is not None and done <= due)
        for due, done in items
        if due < today or done is not None
    ]
    return _share_by_week(pairs, span)


@dataclass(frozen=True)
class Comment:
    thread: str
    at: datetime
    side: str  # "product" / "operations"; anything else does not count as a side


def cross_side_response(comments: Iterable[Comment], span) -> list:
    """For each comment, hours until the next comment in the same thread by the other side;
    comments never answered are left out (they show in the count of open threads instead)."""
    threads: dict[str, list[Comment]] = defaultdict(list)
    for c in comments:
        threads[c.thread].append(c)
    pairs = []
    for items in threads.values():
        items.sort(key=lambda c: c.at)
        for i, c in enumerate(items):
            if c.side not in ("product", "operations"):
                continue
            answer = next((d for d in items[i + 1 :] if d.side not in (c.side, "")), None)
            if answer is not None and answer.side in ("product", "operations"):
                pairs.append((week_of(c.at), (answer.at - c.at).total_seconds() / 3600))
    return _median_by_week(pairs, span)


def response_hours(answers: Iterable[tuple[datetime, datetime]], span) -> list:
    """``cross_side_response`` from its answered comments, already paired: ``answers`` are
    (asked, first answer by the other side), counted in the week asked."""
    return _median_by_week(
        (
            (week_of(asked), (answered - asked).total_seconds() / 3600)
            for asked, answered in answers
        ),
        span,
    )


def capacity_share(rows: Iterable[tuple[str, float, float]]) -> dict[str, dict[str, float]]:
    """``rows``: (side, planned amount, used amount) → per side the share of all planned and
    of all used, so "product planned 60 %, used 70 %" can be read side by side."""
    planned: dict[str, float] = defaultdict(float)
    used: dict[str, float] = defaultdict(float)
    for side, p, u in rows:
        planned[side] += p
        used[side] += u
    total_p, total_u = sum(planned.values()), sum(used.values())
    sides = sorted(set(planned) | set(used))
    return {
        side: {
            "planned": round(planned[side] / total_p, 4) if total_p else 0.0,
            "used": round(used[side] / total_u, 4) if total_u else 0.0,
        }
        for side in sides
    }


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(sum(values) / len(values), 4) if values else None
