"""Periods of resource pools and the over-commitment rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from truce.domain import capacity as c

D = Decimal


@pytest.mark.parametrize(
    ("day", "granularity", "start"),
    [
        (date(2026, 11, 26), c.WEEK, date(2026, 11, 23)),  # a Thursday → its Monday
        (date(2026, 11, 23), c.WEEK, date(2026, 11, 23)),
        (date(2026, 11, 26), c.MONTH, date(2026, 11, 1)),
        (date(2026, 11, 26), c.QUARTER, date(2026, 10, 1)),
        (date(2026, 3, 31), c.QUARTER, date(2026, 1, 1)),
        (date(2027, 1, 1), c.WEEK, date(2026, 12, 28)),  # a week spanning the new year
    ],
)
def test_period_start(day, granularity, start):
    assert c.period_start(day, granularity) == start
    assert c.is_period_start(start, granularity)


def test_unknown_granularity_is_refused():
    with pytest.raises(ValueError):
        c.period_start(date(2026, 1, 1), "fortnight")


def test_labels():
    assert c.label(date(2026, 11, 23), c.WEEK) == "2026-W48"
    assert c.label(date(2026, 11, 26), c.MONTH) == "2026-11"
    assert c.label(date(2026, 11, 26), c.QUARTER) == "2026-Q4"
    assert c.label(date(2026, 12, 28), c.WEEK) == "2026-W53"  # ISO year of the Monday
    assert c.label(date(2025, 12, 29), c.WEEK) == "2026-W01"


def test_next_periods_cross_year_ends():
    assert c.periods(date(2026, 11, 15), c.MONTH, 3) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert c.periods(date(2026, 11, 15), c.QUARTER, 2) == [date(2026, 10, 1), date(2027, 1, 1)]
    assert c.periods(date(2026, 12, 30), c.WEEK, 2) == [date(2026, 12, 28), date(2027, 1, 4)]
    assert c.periods(date(2026, 1, 1), c.MONTH, 0) == []


def test_shift_backwards_and_period_end():
    assert c.shift(date(2026, 1, 15), c.MONTH, -1) == date(2025, 12, 1)
    assert c.shift(date(2026, 1, 15), c.QUARTER, -1) == date(2025, 10, 1)
    assert c.period_end(date(2026, 2, 1), c.MONTH) == date(2026, 2, 28)
    assert c.period_end(date(2026, 10, 1), c.QUARTER) == date(2026, 12, 31)
    assert c.period_end(date(2026, 11, 23), c.WEEK) == date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "granularity", "start"),
    [
        ("2026-W48", c.WEEK, date(2026, 11, 23)),
        ("2026w1", c.WEEK, date(2025, 12, 29)),
        ("2026-11", c.MONTH, date(2026, 11, 1)),
        ("2026-3", c.MONTH, date(2026, 3, 1)),
        ("2026-Q4", c.QUARTER, date(2026, 10, 1)),
        ("2026q2", c.QUARTER, date(2026, 4, 1)),
        ("2026-11-26", c.MONTH, date(2026, 11, 1)),  # any day inside the period
        ("2026-11-26", c.WEEK, date(2026, 11, 23)),
    ],
)
def test_parse(text, granularity, start):
    assert c.parse(text, granularity) == start


@pytest.mark.parametrize(
    ("text", "granularity"),
    [
        ("2026-11", c.WEEK),
        ("2026-Q4", c.MONTH),
        ("2026-13", c.MONTH),
        ("2026-W54", c.WEEK),
        ("", c.MONTH),
        ("0000-01", c.MONTH),
        ("next month", c.MONTH),
        ("2026-02-30", c.MONTH),
    ],
)
def test_parse_refuses(text, granularity):
    with pytest.raises(ValueError):
        c.parse(text, granularity)


def test_labels_round_trip_through_parse():
    for granularity in c.GRANULARITIES:
        for start in c.periods(date(2024, 12, 1), granularity, 60):
            assert c.parse(c.label(start, granularity), granularity) == start


def test_bounds_of_labels():
    assert c.bounds("2026-11") == (date(2026, 11, 1), date(2026, 11, 30))
    assert c.bounds("2026-Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert c.bounds("2026-W48") == (date(2026, 11, 23), date(2026, 11, 29))
    with pytest.raises(ValueError):
        c.bounds("2026-11-01")


def test_stage_of_items():
    assert c.stage("requirement", "in_progress") == c.SCHEDULED
    assert c.stage("requirement", "accepted") == c.CANDIDATE
    assert c.stage("requirement", "released") is None
    assert c.stage("requirement", "on_hold") is None
    assert c.stage("campaign", "running") == c.SCHEDULED
    assert c.stage("campaign", "draft") == c.CANDIDATE
    assert c.stage("campaign", "cancelled") is None


def test_overcommitment_rule():
    assert not c.overcommitted(D(100), D(100))
    assert c.overcommitted(D(100), D("100.5"))
    assert c.overcommitted(None, D(1))  # no capacity recorded offers nothing
    assert not c.overcommitted(None, D(0))


def test_loads_sum_scheduled_and_candidates():
    pool = ("dev", date(2026, 11, 1))
    other = ("dev", date(2026, 12, 1))
    result = c.loads(
        {pool: D(100)},
        [
            (pool, c.SCHEDULED, D(60)),
            (pool, c.SCHEDULED, D(50)),
            (pool, c.CANDIDATE, D(30)),
            (pool, None, D(999)),  # a released item no longer counts
            (other, c.CANDIDATE, D(5)),
        ],
    )
    assert result[pool] == c.Load(capacity=D(100), scheduled=D(110), candidate=D(140))
    assert result[pool].overcommitted and result[pool].free == D(-10)
    assert result[pool].utilisation == pytest.approx(1.1)
    assert result[pool].candidate_utilisation == pytest.approx(1.4)
    assert result[other].capacity is None and not result[other].overcommitted
    assert result[other].utilisation is None


def test_newly_overcommitted_only_reports_changes():
    a, b, d = ("p", date(2026, 1, 1)), ("p", date(2026, 2, 1)), ("q", date(2026, 1, 1))
    before = {a: c.Load(D(10), D(11)), b: c.Load(D(10), D(5))}
    after = {a: c.Load(D(10), D(12)), b: c.Load(D(10), D(15)), d: c.Load(None, D(1))}
    assert c.newly_overcommitted(before, after) == [b, d]
    assert c.newly_overcommitted(after, after) == []
