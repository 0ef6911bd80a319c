"""OKR arithmetic without a database: progress, elapsed time, the at-risk rule at its edges."""

from __future__ import annotations

from datetime import date

import pytest

from truce.domain import okr


def kr(current, baseline=0.0, target=100.0, direction="up", confidence=None, weight=1.0):
    return okr.KeyResultState(baseline, target, current, direction, confidence, weight)


@pytest.mark.parametrize(
    ("baseline", "target", "current", "direction", "expected"),
    [
        (0, 100, 50, "up", 0.5),
        (0, 100, -10, "up", 0.0),  # went the wrong way: clamped to 0
        (0, 100, 150, "up", 1.0),  # overshoot: clamped to 1
        (8, 5, 6.5, "down", 0.5),  # churn 8 % → 5 %: halfway at 6.5
        (8, 5, 9, "down", 0.0),
        (8, 5, 4, "down", 1.0),
        (5, 5, 5, "up", 1.0),  # target equals baseline: reached or not
        (5, 5, 4, "up", 0.0),
        (5, 5, 4, "down", 1.0),
    ],
)
def test_progress_honours_direction_and_clamps(baseline, target, current, direction, expected):
    assert okr.progress(baseline, target, current, direction) == pytest.approx(expected)


def test_elapsed_share_of_the_period():
    start, end = date(2026, 1, 1), date(2026, 1, 11)
    assert okr.elapsed(start, end, date(2025, 12, 1)) == 0.0
    assert okr.elapsed(start, end, date(2026, 1, 6)) == pytest.approx(0.5)
    assert okr.elapsed(start, end, date(2026, 2, 1)) == 1.0
    assert okr.elapsed(start, start, start) == 1.0  # a one-day period is over on its day


def test_exactly_fifteen_points_behind_is_not_at_risk():
    a = okr.assess(kr(35), 0.5)
    assert a.progress == pytest.approx(0.35) and not a.at_risk


def test_just_over_fifteen_points_behind_is_at_risk_with_words():
    a = okr.assess(kr(34), 0.5)
    assert a.at_risk and [r.code for r in a.reasons] == ["behind"]
    assert "16 points" in a.reasons[0].message_en
    assert "落后" in a.reasons[0].message_zh and "16 个百分点" in a.reasons[0].message_zh


def test_ahead_of_time_is_fine():
    assert not okr.assess(kr(90), 0.5).at_risk


def test_confidence_exactly_half_is_not_low_below_is():
    assert not okr.assess(kr(100, confidence=0.5), 0.5).at_risk
    a = okr.assess(kr(100, confidence=0.49), 0.5)
    assert [r.code for r in a.reasons] == ["low_confidence"]
    assert "49%" in a.reasons[0].message_en and "信心" in a.reasons[0].message_zh


def test_both_reasons_together_and_no_confidence_yet():
    a = okr.assess(kr(0, confidence=0.1), 1.0)
    assert [r.code for r in a.reasons] == ["behind", "low_confidence"]
    assert not okr.assess(kr(0), 0.1).at_risk  # early in the period, nothing checked in


def test_rollup_weighted_equal_and_empty():
    assert okr.rollup([]) is None
    assert okr.rollup([(1.0, 1), (0.0, 1)]) == pytest.approx(0.5)
    assert okr.rollup([(1.0, 3), (0.0, 1)]) == pytest.approx(0.75)
    assert okr.rollup([(1.0, 0), (0.0, 0)]) == pytest.approx(0.5)  # all zero → equal


def test_target_path_is_a_straight_line():
    path = okr.target_path(date(2026, 1, 1), date(2026, 3, 31), 10.0, 20.0)
    assert path == ((date(2026, 1, 1), 10.0), (date(2026, 3, 31), 20.0))


def test_strategic_fit_rewards_at_risk_and_joint_and_caps_at_ten():
    assert okr.strategic_fit([]) == 0
    assert okr.strategic_fit([okr.LinkedKeyResult(at_risk=False, joint=False)]) == 2
    assert okr.strategic_fit([okr.LinkedKeyResult(at_risk=True, joint=True)]) == 7
    assert okr.strategic_fit([okr.LinkedKeyResult(True, True, weight=0.5)]) == 3.5
    many = [okr.LinkedKeyResult(at_risk=True, joint=True)] * 3
    assert okr.strategic_fit(many) == 10


def test_rule_is_said_in_both_languages():
    assert "15" in okr.RULE_EN and "50%" in okr.RULE_EN
    assert "15 个百分点" in okr.RULE_ZH and "50%" in okr.RULE_ZH
