from datetime import date, datetime, timedelta

from truce.domain import health
from truce.domain.health import Comment

MON = date(2026, 11, 2)  # a Monday
SPAN = health.weeks(date(2026, 11, 18), 3)  # weeks of Nov 2, 9, 16


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def test_weeks_start_on_monday():
    assert health.week_of(date(2026, 11, 8)) == MON  # Sunday
    assert health.week_of(at(date(2026, 11, 9))) == date(2026, 11, 9)
    assert [MON, date(2026, 11, 9), date(2026, 11, 16)] == SPAN


def test_proposal_to_decision_median_in_week_of_decision_with_gaps():
    items = [
        (at(MON), at(MON + timedelta(days=2))),  # 2 days, decided week 1
        (at(MON), at(MON + timedelta(days=4))),  # 4 days, week 1
        (at(MON), at(MON + timedelta(days=10))),  # 10 days, week 2
        (at(MON), None),  # undecided: not counted
    ]
    assert health.proposal_to_decision(items, SPAN) == [3.0, 10.0, None]


def test_launch_on_time_ignores_future_and_counts_missing_as_late():
    today = date(2026, 11, 18)
    launches = [
        (date(2026, 11, 3), date(2026, 11, 3)),  # on time
        (date(2026, 11, 4), date(2026, 11, 6)),  # late
        (date(2026, 11, 10), None),  # due, not launched: late
        (date(2026, 11, 20), None),  # still ahead: not counted
    ]
    assert health.launch_on_time(launches, SPAN, today) == [0.5, 0.0, None]


def test_action_completion_and_counts():
    today = date(2026, 11, 18)
    items = [
        (date(2026, 11, 3), date(2026, 11, 2)),
        (date(2026, 11, 3), None),
        (date(2026, 11, 19), None),  # not due yet
        (date(2026, 11, 17), date(2026, 11, 17)),
    ]
    assert health.action_completion(items, SPAN, today) == [0.5, None, 1.0]
    assert health.count_by_week([at(MON), at(MON), at(date(2026, 11, 17))], SPAN) == [2, 0, 1]


def test_cross_side_response_waits_for_the_other_side():
    t = at(MON)
    comments = [
        Comment("r1", t, "product"),
        Comment("r1", t + timedelta(hours=1), "product"),  # same side: not an answer
        Comment("r1", t + timedelta(hours=4), "operations"),  # answers both product comments
        Comment("r2", t, "operations"),  # never answered
    ]
    # product comments answered after 4 h and 3 h; the operations comment is not answered
    assert health.cross_side_response(comments, SPAN) == [3.5, None, None]


def test_response_hours_from_answered_pairs_in_the_week_asked():
    t = at(MON + timedelta(days=6), 22)  # Sunday night, answered on Monday
    answers = [(at(MON), at(MON, 13)), (at(MON), at(MON, 12)), (t, t + timedelta(hours=5))]
    assert health.response_hours(answers, SPAN) == [4.0, None, None]  # 4 h, 3 h, 5 h
    assert health.response_hours([], SPAN) == [None, None, None]


def test_capacity_share_planned_against_used():
    shares = health.capacity_share([("product", 60, 30), ("operations", 40, 10)])
    assert shares == {
        "operations": {"planned": 0.4, "used": 0.25},
        "product": {"planned": 0.6, "used": 0.75},
    }
    assert health.capacity_share([]) == {}


def test_readiness_and_mean():
    items = [(date(2026, 11, 3), True), (date(2026, 11, 3), False), (date(2026, 11, 10), True)]
    assert health.readiness(items, SPAN) == [0.5, 1.0, None]
    assert health.mean([0.2, 0.4]) == 0.3 and health.mean([]) is None
