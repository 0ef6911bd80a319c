from __future__ import annotations

from datetime import date, timedelta

import pytest

from truce.accounts.models import Membership
from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.launches import selectors, services
from truce.launches.models import Launch, MilestoneKind, Status
from truce.responsibilities.services import activities_for, row_save

pytestmark = pytest.mark.django_db


def as_(user, workspace):
    return access_workspace(user, workspace.slug)


def finish_checklist(ctx, launch):
    for item in launch.checklist.all():
        services.item_update(ctx=ctx, item=item, expected_version=item.version, done=True)


def test_create_plans_milestones_campaign_dates_and_checklist(launch, campaign):
    kinds = list(launch.milestones.values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["spec_freeze", "code_freeze", "qa", "release",
                                    "campaign_start", "campaign_end"])  # fmt: skip
    release = launch.milestones.get(kind="release")
    assert release.due == launch.target_date - timedelta(days=1)
    start = launch.milestones.get(kind="campaign_start")
    assert start.due == campaign.starts_on and start.name == campaign.title
    assert launch.checklist.filter(blocking=True).exists()
    assert launch.number == 1 and launch.status == Status.PLANNING


def test_campaign_before_release_is_warned(launch, campaign):
    # the release is the day before target; the campaign starts ten days earlier
    view = selectors.overview(launch)
    assert any("双十二大促" in w for w in view.warnings)


def test_milestone_owner_comes_from_raci(ctx, workspace, feature, olivia, alice):
    release = next(a for a in activities_for(workspace) if a.key == "release")
    alice_m = Membership.objects.get(user=alice, workspace=workspace)
    olivia_m = Membership.objects.get(user=olivia, workspace=workspace)
    row_save(ctx=ctx, requirement=feature, activity=release, expected_version=0,
             cells=[(alice_m.pk, "A"), (olivia_m.pk, "R")])  # fmt: skip
    launch = services.launch_create(
        ctx=ctx, name="x", target_date=date(2026, 12, 1), requirements=[feature.number]
    )
    assert launch.milestones.get(kind=MilestoneKind.RELEASE).owner == alice
    assert launch.milestones.get(kind=MilestoneKind.QA).owner is None  # no RACI row yet


def test_bad_input_is_refused_with_field_messages(ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.launch_create(ctx=ctx, name=" ", target_date=date(2026, 1, 1))
    assert "name" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.launch_create(ctx=ctx, name="x", target_date=date(2026, 1, 1), requirements=[99])
    assert exc.value.fields == {"requirements": ["No such requirements: #99."]}
    with pytest.raises(ValidationFailed) as exc:
        services.launch_create(ctx=ctx, name="x", target_date=date(1, 1, 1))
    assert "target_date" in exc.value.fields
    assert not Launch.objects.exists()  # nothing half-written


def test_ready_for_review_needs_blocking_items_done(ctx, launch):
    with pytest.raises(Conflict):
        services.launch_move(ctx=ctx, launch=launch, status="ready_for_review",
                             expected_version=launch.version)  # fmt: skip
    finish_checklist(ctx, launch)
    services.launch_move(ctx=ctx, launch=launch, status="ready_for_review",
                         expected_version=launch.version)  # fmt: skip
    assert launch.status == Status.READY
    with pytest.raises(Conflict):
        services.launch_move(ctx=ctx, launch=launch, status="go", expected_version=None)


def test_go_needs_product_operations_and_lead(ctx, workspace, launch, olivia, lena, victor):
    finish_checklist(ctx, launch)
    services.launch_move(ctx=ctx, launch=launch, status="ready_for_review",
                         expected_version=launch.version)  # fmt: skip
    services.vote(ctx=ctx, launch=launch, go=True)
    services.vote(ctx=as_(olivia, workspace), launch=launch, go=True)
    launch.refresh_from_db()
    assert launch.status == Status.READY
    with pytest.raises(PermissionDenied):
        services.vote(ctx=as_(victor, workspace), launch=launch, go=True)
    services.vote(ctx=as_(lena, workspace), launch=launch, go=True, reason="数据埋点齐全")
    launch.refresh_from_db()
    assert launch.status == Status.GO
    services.launch_move(ctx=ctx, launch=launch, status="launched", expected_version=launch.version)
    assert launch.launched_on == date.today()


def test_no_go_needs_a_reason_and_starts_a_new_round(ctx, workspace, launch, olivia):
    finish_checklist(ctx, launch)
    services.launch_move(ctx=ctx, launch=launch, status="ready_for_review",
                         expected_version=launch.version)  # fmt: skip
    olivia_ctx = as_(olivia, workspace)
    with pytest.raises(ValidationFailed) as exc:
        services.vote(ctx=olivia_ctx, launch=launch, go=False, reason=" ")
    assert "reason" in exc.value.fields
    services.vote(ctx=olivia_ctx, launch=launch, go=False, reason="素材还没审完")
    launch.refresh_from_db()
    assert (launch.status, launch.review_round) == (Status.PLANNING, 2)
    assert services.current_votes(launch) == []
    with pytest.raises(Conflict):  # no votes while planning
        services.vote(ctx=ctx, launch=launch, go=True)


def test_stale_edit_is_refused(ctx, launch):
    stale = launch.version
    services.launch_update(ctx=ctx, launch=launch, expected_version=stale, name="改名")
    other = Launch.objects.get(pk=launch.pk)
    with pytest.raises(PreconditionFailed):
        services.launch_update(ctx=ctx, launch=other, expected_version=stale, name="又改")


def test_review_prefills_key_results_and_closes(ctx, launch, feature):
    from truce.goals import services as goals

    period = goals.period_create(ctx=ctx, name="Q", start=date.today() - timedelta(days=30),
                                 end=date.today() + timedelta(days=60))  # fmt: skip
    objective = goals.objective_create(ctx=ctx, period=period, title="增长")
    kr = goals.key_result_create(ctx=ctx, objective=objective, title="DAU", baseline=100,
                                 target=200)  # fmt: skip
    goals.link_add(ctx=ctx, key_result=kr, requirement=feature)
    with pytest.raises(Conflict):
        services.review_save(ctx=ctx, launch=launch, expected_version=None)
    Launch.objects.filter(pk=launch.pk).update(status=Status.LAUNCHED, launched_on=date.today())
    launch.refresh_from_db()
    goals.check_in_create(ctx=ctx, key_result=kr, value=140, confidence=0.8)
    (suggestion,) = selectors.review_suggestions(launch)
    assert suggestion["after"] == 140
    review = services.review_save(
        ctx=ctx, launch=launch, expected_version=None, lessons="**提前**压测",
        metrics=[(kr.pk, 100, None)], finish=True,
    )  # fmt: skip
    launch.refresh_from_db()
    assert launch.status == Status.REVIEWED
    assert "<strong>提前</strong>" in review.lessons_html
    metric = review.metrics.get()
    assert (metric.before, metric.after) == (100, 140)
    with pytest.raises(ValidationFailed):
        services.review_save(ctx=ctx, launch=launch, expected_version=review.version,
                             metrics=[(999999, 1, 2)])  # fmt: skip


def test_unready_upcoming_for_agendas(ctx, workspace, launch):
    assert selectors.unready_upcoming(workspace, date.today(), days=40) == [launch]
    assert selectors.unready_upcoming(workspace, date.today(), days=5) == []


def test_timeline_has_launches_campaigns_and_milestones(workspace, launch):
    data = selectors.timeline(workspace)
    kinds = {b["kind"] for b in data["bars"]}
    assert kinds == {"launch", "campaign"}
    assert len(data["points"]) == launch.milestones.count()
    later = selectors.timeline(workspace, start=date.today() + timedelta(days=100))
    assert later == {"bars": [], "points": []}
