from datetime import date

import pytest

from truce.domain import launch
from truce.domain.launch import CampaignDates, CheckItem, Milestone, MilestoneKind, Vote

D = date


def codes(found):
    return [w.code for w in found]


def test_campaign_before_its_feature_release_warns_in_both_languages():
    found = launch.warnings(
        target=D(2026, 12, 12),
        milestones=[Milestone(MilestoneKind.RELEASE, D(2026, 12, 10))],
        campaigns=[CampaignDates("双十二大促", D(2026, 12, 8), D(2026, 12, 12),
                                 [("直播购物车", None)])],
    )  # fmt: skip
    assert codes(found) == ["campaign_before_release"]
    assert "2026-12-08" in found[0].message_en and "直播购物车" in found[0].message_zh


def test_campaign_on_release_day_is_fine_and_feature_own_date_wins():
    found = launch.warnings(
        target=D(2026, 12, 12),
        milestones=[Milestone(MilestoneKind.RELEASE, D(2026, 12, 10))],
        campaigns=[
            CampaignDates("a", D(2026, 12, 10), None, [("x", None)]),
            CampaignDates("b", D(2026, 12, 5), None, [("y", D(2026, 12, 1))]),
        ],
    )
    assert found == []


def test_milestone_after_target_and_out_of_order():
    found = launch.warnings(
        target=D(2026, 12, 1),
        milestones=[
            Milestone(MilestoneKind.QA, D(2026, 11, 20)),
            Milestone(MilestoneKind.CODE_FREEZE, D(2026, 11, 25)),
            Milestone(MilestoneKind.RELEASE, D(2026, 12, 2)),
            Milestone(MilestoneKind.CAMPAIGN_END, D(2026, 12, 20)),  # may run past the launch
        ],
    )
    assert codes(found) == ["milestone_after_target", "milestone_order"]
    assert "Release" in found[0].message_en and "发布" in found[0].message_zh
    assert found[1].message_en == "Code freeze (2026-11-25) comes after QA sign-off (2026-11-20)."


def test_campaigns_without_release_and_reversed_dates():
    found = launch.warnings(
        target=None,
        milestones=[],
        campaigns=[CampaignDates("c", D(2026, 12, 5), D(2026, 12, 1))],
    )
    assert codes(found) == ["campaign_ends_before_start", "release_missing"]


def test_readiness_per_side_and_blocking():
    r = launch.readiness(
        [
            CheckItem("product", True),
            CheckItem("product", False, blocking=True),
            CheckItem("operations", True),
        ]
    )
    assert (r.product, r.operations, r.overall, r.open_blocking) == (0.5, 1.0, 2 / 3, 1)
    assert not r.may_review
    empty = launch.readiness([])
    assert (empty.product, empty.operations, empty.may_review) == (1.0, 1.0, True)


def test_verdict_needs_all_three_seats_and_any_no_go_decides():
    assert launch.verdict([]).outcome == "pending"
    two = [Vote("product", True), Vote("operations", True)]
    assert launch.verdict(two).missing == ("lead",)
    assert launch.verdict([*two, Vote("lead", True)]).outcome == "go"
    no = launch.verdict([*two, Vote("lead", False, "QA not done")])
    assert (no.outcome, no.against) == ("no_go", ("lead",))
    # a later vote of the same seat replaces the earlier one
    assert launch.verdict([*two, Vote("lead", False, "x"), Vote("lead", True)]).outcome == "go"


@pytest.mark.parametrize(
    ("go", "reason", "problem"),
    [(True, "", None), (False, "  ", "reason_required"), (False, "QA", None)],
)
def test_no_go_needs_a_reason(go, reason, problem):
    assert launch.vote_problem(go, reason) == problem


def test_transitions():
    assert launch.can_move("planning", "ready_for_review")
    assert not launch.can_move("ready_for_review", "go")  # only the review decides go
    assert launch.can_move("go", "launched")
    assert not launch.can_move("launched", "cancelled")
    assert launch.can_move("cancelled", "planning")


def test_a_campaign_start_milestone_alone_is_checked_too():
    found = launch.warnings(
        target=D(2026, 12, 12),
        milestones=[
            Milestone(MilestoneKind.RELEASE, D(2026, 12, 10)),
            Milestone(MilestoneKind.CAMPAIGN_START, D(2026, 12, 9), "预热"),
        ],
    )
    assert codes(found) == ["campaign_before_release"] and "预热" in found[0].message_zh
    # the same campaign given as a campaign is reported once, not twice
    twice = launch.warnings(
        target=D(2026, 12, 12),
        milestones=[
            Milestone(MilestoneKind.RELEASE, D(2026, 12, 10)),
            Milestone(MilestoneKind.CAMPAIGN_START, D(2026, 12, 9), "预热"),
        ],
        campaigns=[CampaignDates("预热", D(2026, 12, 9), None, [("x", None)])],
    )
    assert codes(twice) == ["campaign_before_release"]
