"""iCalendar (RFC 5545) output, written by hand: the feed needs a small, exact subset.

Pure Python. What it takes care of:

- text values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11);
- content lines are folded so no line exceeds 75 octets of UTF-8, never splitting a
  multi-byte character; continuation lines start with one space (§3.1);
- lines end with CRLF;
- timed events are written in UTC ("Z"), so no VTIMEZONE is needed; all-day entries use
  VALUE=DATE; DTSTAMP is UTC (§3.8.7.2);
- UIDs are given by the caller and must be stable (the same meeting keeps its UID forever, so
  calendar apps update it instead of duplicating it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MAX_OCTETS = 75


@dataclass(frozen=True)
class Event:
    """A VEVENT: timed (datetimes) or all-day (dates; ``end`` exclusive, default next day)."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    description: str = ""
    url: str = ""
    location: str = ""
    status: str = ""  # "", "TENTATIVE", "CONFIRMED" or "CANCELLED"
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Todo:
    """A VTODO with an all-day due date."""

    uid: str
    summary: str
    due: date
    description: str = ""
    url: str = ""
    completed: bool = False


def escape_text(value: str) -> str:
    """TEXT value escaping: \\ ; , and newlines (CRLF, CR or LF all become \\n)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets joined by CRLF + space."""
    pieces: list[str] = []
    current, size = "", 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def format_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def format_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _when(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"{name}:{format_utc(value)}"
    return f"{name};VALUE=DATE:{format_date(value)}"


def _event_lines(e: Event, stamp: str) -> list[str]:
    end = e.end
    if end is None:
        end = e.start + timedelta(days=1) if not isinstance(e.start, datetime) else e.start
    if isinstance(e.start, datetime) != isinstance(end, datetime):
        raise ValueError("start and end must both be datetimes or both be dates")
    lines = ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{stamp}"]
    lines += [_when("DTSTART", e.start), _when("DTEND", end)]
    lines.append(f"SUMMARY:{escape_text(e.summary)}")
    if e.description:
        lines.append(f"DESCRIPTION:{escape_text(e.description)}")
    if e.location:
        lines.append(f"LOCATION:{escape_text(e.location)}")
    if e.url:
        lines.append(f"URL:{e.url}")
    if e.status:
        lines.append(f"STATUS:{e.status}")
    if e.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in e.categories))
    return [*lines, "END:VEVENT"]


def _todo_lines(t: Todo, stamp: str) -> list[str]:
    lines = ["BEGIN:VTODO", f"UID:{t.uid}", f"DTSTAMP:{stamp}", _when("DUE", t.due)]
    lines.append(f"SUMMARY:{escape_text(t.summary)}")
    if t.description:
        lines.append(f"DESCRIPTION:{escape_text(t.description)}")
    if t.url:
        lines.append(f"URL:{t.url}")
    lines.append("STATUS:COMPLETED" if t.completed else "STATUS:NEEDS-ACTION")
    return [*lines, "END:VTODO"]


def calendar(
    entries: Iterable[Event | Todo], *, name: str, now: datetime, prodid: str = "-//Truce//EN"
) -> str:
    """The whole VCALENDAR document, folded, with CRLF line ends."""
    stamp = format_utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for entry in entries:
        lines += (
            _event_lines(entry, stamp) if isinstance(entry, Event) else _todo_lines(entry, stamp)
        )
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def unfold(text: str) -> list[str]:
    """Content lines of a document (the inverse of ``fold``), for tests and readers."""
    return [line for line in text.replace("\r\n ", "").split("\r\n") if line]
