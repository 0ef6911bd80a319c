"""RFC 5545 output: escaping, folding at 75 octets, UTC stamps, all-day entries, stable UIDs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from truce.domain.ical import Event, Todo, calendar, escape_text, fold, format_utc, unfold

NOW = datetime(2026, 3, 2, 1, 2, 3, tzinfo=UTC)


def test_text_escaping():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_folding_keeps_every_line_within_75_octets_and_never_splits_a_character():
    line = "SUMMARY:" + "产品运营周会" * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert fold("short") == "short"


def test_folding_an_ascii_line_exactly_at_the_limit():
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"


def test_utc_formatting_converts_and_refuses_naive_times():
    shanghai = timezone(timedelta(hours=8))
    assert format_utc(datetime(2026, 3, 2, 10, 0, tzinfo=shanghai)) == "20260302T020000Z"
    with pytest.raises(ValueError):
        format_utc(datetime(2026, 3, 2, 10, 0))


def test_calendar_document():
    meeting = Event(
        uid="meeting-7@truce",
        summary="产品运营周会, 第 7 次; 议程",
        start=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        end=datetime(2026, 3, 2, 3, 0, tzinfo=UTC),
        description="1. 争议需求\n2. 风险 KR",
        url="https://truce.example/w/spark/meetings/7/",
        status="CONFIRMED",
        categories=("Truce",),
    )
    due = Event(uid="action-3@truce", summary="Send the survey", start=date(2026, 3, 5))
    todo = Todo(uid="action-4@truce", summary="Check", due=date(2026, 3, 6), completed=True)
    text = calendar([meeting, due, todo], name="Truce · Alice", now=NOW)
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "SUMMARY:产品运营周会\\, 第 7 次\\; 议程" in lines
    assert "DESCRIPTION:1. 争议需求\\n2. 风险 KR" in lines
    assert "DTSTART:20260302T020000Z" in lines and "DTEND:20260302T030000Z" in lines
    assert "DTSTART;VALUE=DATE:20260305" in lines and "DTEND;VALUE=DATE:20260306" in lines
    assert "DUE;VALUE=DATE:20260306" in lines and "STATUS:COMPLETED" in lines
    assert lines.count("DTSTAMP:20260302T010203Z") == 3
    assert [line for line in lines if line.startswith("UID:")] == [
        "UID:meeting-7@truce",
        "UID:action-3@truce",
        "UID:action-4@truce",
    ]
    assert all(len(p.encode()) <= 75 for p in text.split("\r\n"))


def test_mixed_date_kinds_are_refused():
    bad = Event(uid="x", summary="x", start=date(2026, 3, 2), end=datetime(2026, 3, 3, tzinfo=UTC))
    with pytest.raises(ValueError):
        calendar([bad], name="x", now=NOW)
