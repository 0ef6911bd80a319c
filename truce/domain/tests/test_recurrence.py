"""Recurring series: weekly and fortnightly dates, windows, bounds and wall-clock times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from truce.domain.recurrence import (
    Rule,
    first_date,
    is_occurrence,
    occurrences,
    starts_at,
    valid_timezone,
    window,
)

MONDAY = 0
THURSDAY = 3


def test_first_date_is_the_weekday_on_or_after_the_start():
    assert first_date(Rule("weekly", MONDAY, date(2026, 3, 2))) == date(2026, 3, 2)  # a Monday
    assert first_date(Rule("weekly", THURSDAY, date(2026, 3, 2))) == date(2026, 3, 5)
    assert first_date(Rule("weekly", MONDAY, date(2026, 3, 3))) == date(2026, 3, 9)


def test_weekly_dates_in_a_window():
    rule = Rule("weekly", MONDAY, date(2026, 3, 2))
    assert occurrences(rule, date(2026, 3, 1), date(2026, 3, 23)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]


def test_biweekly_keeps_its_rhythm_whatever_the_window():
    rule = Rule("biweekly", MONDAY, date(2026, 3, 2))
    assert occurrences(rule, date(2026, 3, 10), date(2026, 4, 14)) == [
        date(2026, 3, 16),
        date(2026, 3, 30),
        date(2026, 4, 13),
    ]
    assert not is_occurrence(rule, date(2026, 3, 9))
    assert is_occurrence(rule, date(2026, 3, 30))


def test_window_before_the_start_or_after_until_is_empty():
    rule = Rule("weekly", MONDAY, date(2026, 3, 2), until=date(2026, 3, 16))
    assert occurrences(rule, date(2026, 1, 1), date(2026, 2, 1)) == []
    assert occurrences(rule, date(2026, 3, 1), date(2026, 12, 1))[-1] == date(2026, 3, 16)
    assert occurrences(rule, date(2026, 3, 17), date(2026, 12, 1)) == []


def test_window_boundaries_are_inclusive():
    rule = Rule("weekly", MONDAY, date(2026, 3, 2))
    assert occurrences(rule, date(2026, 3, 9), date(2026, 3, 9)) == [date(2026, 3, 9)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cadence": "daily", "weekday": 0},
        {"cadence": "weekly", "weekday": 7},
        {"cadence": "weekly", "weekday": 0, "until": date(2026, 1, 1)},
    ],
)
def test_invalid_rules_are_refused(kwargs):
    with pytest.raises(ValueError):
        Rule(starts_on=date(2026, 3, 2), **kwargs)


def test_wall_clock_time_in_shanghai_is_eight_hours_ahead_of_utc():
    assert starts_at(date(2026, 3, 2), time(10, 0), "Asia/Shanghai") == datetime(
        2026, 3, 2, 2, 0, tzinfo=UTC
    )
    begin, end = window(date(2026, 3, 2), time(23, 30), 60, "Asia/Shanghai")
    assert (begin.hour, end.hour, end.day) == (15, 16, 2)


def test_daylight_saving_moves_the_utc_instant_not_the_wall_time():
    winter = starts_at(date(2026, 3, 2), time(9, 0), "Europe/Berlin")
    summer = starts_at(date(2026, 4, 6), time(9, 0), "Europe/Berlin")
    assert (winter.hour, summer.hour) == (8, 7)


def test_timezone_names_are_checked():
    assert valid_timezone("Asia/Shanghai")
    assert not valid_timezone("Mars/Olympus")
    assert not valid_timezone("../etc/passwd")
