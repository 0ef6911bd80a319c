from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord, DomainEvent
from truce.domain import capacity as cap
from truce.resources import selectors, services
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool
from truce.resources.tests.conftest import scheduled_requirement

pytestmark = pytest.mark.django_db


# Pools and capacities ------------------------------------------------------------------------


def test_pool_create_validates_and_names_are_unique(ctx, dev):
    with pytest.raises(ValidationFailed) as exc:
        services.pool_create(ctx=ctx, name="研发人日", kind="days", side="product")
    assert "name" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.pool_create(ctx=ctx, name="x", kind="time", side="product")
    assert "kind" in exc.value.fields


def test_each_side_manages_its_own_pools(ctx, octx, workspace, lena, victor, dev):
    with pytest.raises(PermissionDenied):
        services.pool_create(ctx=ctx, name="预算", kind="money", side="operations")
    with pytest.raises(PermissionDenied):
        services.capacities_set(ctx=octx, pool=dev, expected_version=None, amounts={})
    shared = services.pool_create(ctx=octx, name="渠道资源", kind="custom", side="shared")
    services.pool_update(ctx=ctx, pool=shared, expected_version=shared.version, unit="条")
    lead = access_workspace(lena, workspace.slug)
    services.pool_update(ctx=lead, pool=dev, expected_version=dev.version, unit="天")
    viewer = access_workspace(victor, workspace.slug)
    with pytest.raises(PermissionDenied):
        services.pool_update(ctx=viewer, pool=shared, expected_version=None, unit="x")


def test_pool_update_is_version_checked_and_recorded(ctx, dev):
    stale = dev.version
    services.pool_update(ctx=ctx, pool=dev, expected_version=stale, name="后端人日")
    with pytest.raises(PreconditionFailed) as exc:
        services.pool_update(ctx=ctx, pool=dev, expected_version=stale, name="前端人日")
    assert exc.value.current.name == "后端人日"
    change = ChangeRecord.objects.filter(subject_type="resourcepool", verb="updated").first()
    assert change.changes["name"] == ["研发人日", "后端人日"]


def test_period_length_is_fixed_once_used(ctx, dev):
    with pytest.raises(ValidationFailed) as exc:
        services.pool_update(ctx=ctx, pool=dev, expected_version=None, granularity="week")
    assert "granularity" in exc.value.fields
    empty = services.pool_create(ctx=ctx, name="测试人日", kind="days", side="product")
    services.pool_update(ctx=ctx, pool=empty, expected_version=None, granularity="week")


def test_capacities_set_replace_and_history(ctx, dev, month):
    later = cap.shift(month, cap.MONTH, 1)
    services.capacities_set(
        ctx=ctx, pool=dev, expected_version=dev.version, amounts={month: 25, later: 30}
    )
    assert dict(dev.capacities.values_list("start", "amount")) == {month: 25, later: 30}
    services.capacities_set(
        ctx=ctx, pool=dev, expected_version=dev.version, amounts={later: 10}, replace=True
    )
    assert dict(dev.capacities.values_list("start", "amount")) == {later: 10}
    services.capacities_set(ctx=ctx, pool=dev, expected_version=dev.version, amounts={later: None})
    assert not dev.capacities.exists()
    change = ChangeRecord.objects.filter(subject_type="resourcepool").first()
    assert change.changes == {f"capacity {cap.label(later, 'month')}": ["10", None]}


def test_capacities_refuse_bad_periods_and_amounts(ctx, dev, month):
    with pytest.raises(ValidationFailed) as exc:
        services.capacities_set(
            ctx=ctx, pool=dev, expected_version=None, amounts={month + timedelta(days=3): 1}
        )
    assert "period" in exc.value.fields
    for bad in (-1, "abc", Decimal("1.234"), Decimal("1e13"), Decimal("NaN")):
        with pytest.raises(ValidationFailed):
            services.capacities_set(ctx=ctx, pool=dev, expected_version=None, amounts={month: bad})
    assert Capacity.objects.get(pool=dev).amount == 20


def test_capacity_version_is_the_pools(ctx, dev, month):
    stale = dev.version
    services.capacities_set(ctx=ctx, pool=dev, expected_version=stale, amounts={month: 21})
    with pytest.raises(PreconditionFailed):
        services.capacities_set(ctx=ctx, pool=dev, expected_version=stale, amounts={month: 22})
    assert Capacity.objects.get(pool=dev).amount == 21


def test_pool_delete_only_when_unused(ctx, dev, month, requirement):
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=3, requirement=requirement)
    with pytest.raises(Conflict):
        services.pool_delete(ctx=ctx, pool=dev, expected_version=dev.version)
    empty = services.pool_create(ctx=ctx, name="设计人日", kind="days", side="product")
    services.pool_delete(ctx=ctx, pool=empty, expected_version=empty.version)
    assert not ResourcePool.objects.filter(pk=empty.pk).exists()


# Campaigns -----------------------------------------------------------------------------------


def test_campaigns_are_numbered_per_workspace(octx, charlie, other_workspace):
    first = services.campaign_create(ctx=octx, title="新人专享券短信召回", channel="sms")
    second = services.campaign_create(ctx=octx, title="社群拉新裂变", channel="community")
    elsewhere = services.campaign_create(
        ctx=access_workspace(charlie, other_workspace.slug), title="Spring sale", channel="email"
    )
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert first.ref == "C1" and str(second) == "C2 社群拉新裂变"


def test_campaign_create_validates(octx, ctx, requirement, charlie, other_workspace):
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(
            ctx=octx, title="x", channel="event", starts_on=date(2026, 12, 12),
            ends_on=date(2026, 12, 1),
        )  # fmt: skip
    assert "ends_on" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(ctx=octx, title="x", channel="fax")
    assert "channel" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(ctx=octx, title="x", channel="push", owner=charlie)
    assert "owner" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.campaign_create(ctx=octx, title="x", channel="push", operations_score=11)
    other = access_workspace(charlie, other_workspace.slug)
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_create(ctx=other, title="x", channel="push", promotes=[requirement])
    assert "promotes" in exc.value.fields


def test_each_side_scores_its_own_lens(ctx, octx, lena, workspace):
    with pytest.raises(PermissionDenied):
        services.campaign_create(ctx=ctx, title="x", channel="push", operations_score=5)
    c = services.campaign_create(ctx=octx, title="x", channel="push", operations_score=5)
    with pytest.raises(PermissionDenied):
        services.campaign_update(ctx=octx, campaign=c, expected_version=None, product_score=4)
    services.campaign_update(ctx=ctx, campaign=c, expected_version=None, product_score=4)
    lead = access_workspace(lena, workspace.slug)
    services.campaign_update(
        ctx=lead, campaign=c, expected_version=None, product_score=6, operations_score=7
    )
    c.refresh_from_db()
    assert (c.product_score, c.operations_score) == (6, 7)


def test_campaign_update_concurrency_history_and_markdown(octx, ctx, campaign, requirement):
    stale = campaign.version
    other = scheduled_requirement(ctx, "灰度发布")
    services.campaign_update(
        ctx=octx, campaign=campaign, expected_version=stale, title="双十二狂欢",
        description="**满减** 300-40", promotes=[requirement, other],
    )  # fmt: skip
    assert "<strong>满减</strong>" in campaign.description_html
    with pytest.raises(PreconditionFailed) as exc:
        services.campaign_update(ctx=octx, campaign=campaign, expected_version=stale, title="y")
    assert exc.value.current.title == "双十二狂欢"
    change = ChangeRecord.objects.filter(subject_type="campaign", verb="updated").first()
    assert change.changes["title"] == ["双十二大促", "双十二狂欢"]
    assert change.changes["promotes"] == [["#1"], ["#1", "#2"]]
    with pytest.raises(ValidationFailed):
        services.campaign_update(ctx=octx, campaign=campaign, expected_version=None, status="done")


def test_campaign_workflow(octx, campaign):
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_move(ctx=octx, campaign=campaign, status="running")
    assert "Allowed next" in exc.value.message
    for step in ("proposed", "scheduled", "running", "done"):
        services.campaign_move(ctx=octx, campaign=campaign, status=step)
    assert services.campaign_targets("done") == ()
    with pytest.raises(ValidationFailed):
        services.campaign_move(ctx=octx, campaign=campaign, status="nonsense")
    moves = ChangeRecord.objects.filter(subject_type="campaign", verb="status").count()
    assert moves == 4


def test_campaign_move_is_version_checked(octx, campaign):
    services.campaign_move(
        ctx=octx, campaign=campaign, status="proposed", expected_version=campaign.version
    )
    with pytest.raises(PreconditionFailed):
        services.campaign_move(ctx=octx, campaign=campaign, status="scheduled", expected_version=1)


def test_campaign_delete_only_before_it_is_scheduled(octx, campaign):
    for step in ("proposed", "scheduled"):
        services.campaign_move(ctx=octx, campaign=campaign, status=step)
    with pytest.raises(Conflict):
        services.campaign_delete(ctx=octx, campaign=campaign, expected_version=None)
    services.campaign_move(ctx=octx, campaign=campaign, status="cancelled")
    services.campaign_delete(ctx=octx, campaign=campaign, expected_version=campaign.version)
    assert not Campaign.objects.exists()


# Demands -------------------------------------------------------------------------------------


def test_demand_add_validates(ctx, dev, month, requirement, campaign, charlie, other_workspace):
    with pytest.raises(ValidationFailed) as exc:
        services.demand_add(
            ctx=ctx, pool=dev, start=month + timedelta(days=1), amount=1, requirement=requirement
        )
    assert "period" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.demand_add(ctx=ctx, pool=dev, start=month, amount=0, requirement=requirement)
    assert "amount" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.demand_add(
            ctx=ctx, pool=dev, start=month, amount=1, requirement=requirement, campaign=campaign
        )
    outsider = access_workspace(charlie, other_workspace.slug)
    with pytest.raises(ValidationFailed):
        services.demand_add(ctx=outsider, pool=dev, start=month, amount=1, requirement=requirement)
    services.pool_update(ctx=ctx, pool=dev, expected_version=None, archived=True)
    with pytest.raises(ValidationFailed) as exc:
        services.demand_add(ctx=ctx, pool=dev, start=month, amount=1, requirement=requirement)
    assert "pool" in exc.value.fields
    assert not Demand.objects.exists()


def test_demand_add_twice_in_a_slot_conflicts(ctx, dev, month, requirement):
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=3, requirement=requirement)
    with pytest.raises(Conflict):
        services.demand_add(ctx=ctx, pool=dev, start=month, amount=4, requirement=requirement)
    assert Demand.objects.get().amount == 3


def test_demand_update_remove_history_and_versions(ctx, dev, month, requirement):
    d = services.demand_add(ctx=ctx, pool=dev, start=month, amount=3, requirement=requirement)
    later = cap.shift(month, cap.MONTH, 1)
    stale = d.version
    services.demand_update(ctx=ctx, demand=d, expected_version=stale, amount=Decimal("4.5"))
    with pytest.raises(PreconditionFailed):
        services.demand_update(ctx=ctx, demand=d, expected_version=stale, amount=9)
    services.demand_update(ctx=ctx, demand=d, expected_version=d.version, start=later)
    label = f"研发人日 · {cap.label(month, 'month')}"
    changes = [
        c.changes for c in ChangeRecord.objects.filter(subject_type="requirement", verb="updated")
    ]
    assert {label: ["3", "4.5"]} in changes
    with pytest.raises(PreconditionFailed):
        services.demand_remove(ctx=ctx, demand=d, expected_version=1)
    services.demand_remove(ctx=ctx, demand=d, expected_version=d.version)
    assert not Demand.objects.exists()


# Over-commitment -------------------------------------------------------------------------------


def test_scheduled_demand_over_capacity_is_flagged_and_announced(ctx, dev, month, requirement):
    busy = scheduled_requirement(ctx, "灰度发布")
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=15, requirement=busy)
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=50, requirement=requirement)
    assert not DomainEvent.objects.filter(kind="pool.overcommitted").exists()  # a candidate
    other = scheduled_requirement(ctx, "积分抵现")
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=8, requirement=other)
    event = DomainEvent.objects.get(kind="pool.overcommitted")
    assert event.subject_id == dev.pk
    assert event.data["scheduled"] == "23" and event.data["capacity"] == "20"
    assert event.data["items"] == [busy.ref, other.ref]
    assert event.url == f"/w/spark/resources/{dev.pk}/"
    use = next(u for u in selectors.utilisation(dev.workspace) if u.start == month)
    assert (use.capacity, use.scheduled, use.candidate) == (20, 23, 73)
    assert use.overcommitted and use.utilisation == pytest.approx(1.15)
    demands = selectors.demands_of(requirement=other)
    assert selectors.flagged(demands) and demands[0].contributes
    assert not selectors.flagged(selectors.demands_of(requirement=requirement))


def test_staying_over_committed_emits_once(ctx, dev, month):
    busy = scheduled_requirement(ctx, "灰度发布")
    d = services.demand_add(ctx=ctx, pool=dev, start=month, amount=25, requirement=busy)
    services.demand_update(ctx=ctx, demand=d, expected_version=None, amount=30)
    assert DomainEvent.objects.filter(kind="pool.overcommitted").count() == 1


def test_lowering_capacity_and_scheduling_a_campaign_over_commit(ctx, octx, dev, budget, month):
    busy = scheduled_requirement(ctx, "灰度发布")
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=15, requirement=busy)
    services.capacities_set(ctx=ctx, pool=dev, expected_version=None, amounts={month: 10})
    assert DomainEvent.objects.filter(kind="pool.overcommitted", subject_id=dev.pk).count() == 1
    c = services.campaign_create(ctx=octx, title="直播带货", channel="event")
    services.demand_add(ctx=octx, pool=budget, start=month, amount=120000, campaign=c)
    services.campaign_move(ctx=octx, campaign=c, status="proposed")
    assert not DomainEvent.objects.filter(subject_id=budget.pk).exists()
    services.campaign_move(ctx=octx, campaign=c, status="scheduled")
    event = DomainEvent.objects.get(kind="pool.overcommitted", subject_id=budget.pk)
    assert event.data["items"] == ["C1"]
    assert selectors.flagged_campaigns(c.workspace, [c.pk]) == {c.pk}


def test_demand_without_capacity_over_commits_when_scheduled(ctx, dev, month):
    busy = scheduled_requirement(ctx, "灰度发布")
    later = cap.shift(month, cap.MONTH, 3)
    services.demand_add(ctx=ctx, pool=dev, start=later, amount=1, requirement=busy)
    assert [u.overcommitted for u in selectors.utilisation(dev.workspace) if u.start == later] == [
        True
    ]


def test_watch_overcommitment_for_planning(ctx, dev, month, requirement):
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=30, requirement=requirement)
    from truce.requirements.services import requirement_move

    with services.watch_overcommitment(
        workspace=dev.workspace, actor=ctx.membership.user, requirements=[requirement]
    ):
        for step in ("under_review", "accepted", "scheduled"):
            requirement_move(ctx=ctx, requirement=requirement, status=step)
    assert DomainEvent.objects.get(kind="pool.overcommitted").data["items"] == ["#1"]


# Selectors for planning ------------------------------------------------------------------------


def test_planning_inputs(ctx, octx, dev, budget, month, requirement, campaign):
    later = cap.shift(month, cap.MONTH, 1)
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=8, requirement=requirement)
    services.demand_add(ctx=ctx, pool=dev, start=later, amount=2, requirement=requirement)
    services.demand_add(ctx=octx, pool=budget, start=month, amount=30000, campaign=campaign)
    closed = services.campaign_create(ctx=octx, title="旧活动", channel="push")
    services.demand_add(ctx=octx, pool=budget, start=month, amount=1, campaign=closed)
    services.campaign_move(ctx=octx, campaign=closed, status="cancelled")
    inputs = selectors.planning_inputs(dev.workspace)
    pools = {p.id: p for p in inputs.pools}
    assert pools[dev.pk].capacity == {month: 20, later: 0}  # every used slot exists
    assert pools[budget.pk].kind == "money" and pools[budget.pk].capacity == {month: 100000}
    assert inputs.requirement_demands == {requirement.pk: {(dev.pk, month): 8, (dev.pk, later): 2}}
    assert inputs.campaign_demands == {campaign.pk: {(budget.pk, month): 30000}}
    assert inputs.campaign_promotes == {campaign.pk: [requirement.pk]}
    assert inputs.outside == []
    horizon = selectors.planning_inputs(dev.workspace, starts={dev.pk: [month]})
    assert [p.id for p in horizon.pools] == [dev.pk]
    assert horizon.requirement_demands == {requirement.pk: {(dev.pk, month): 8}}
    assert {(o.kind, o.pool_id, o.start) for o in horizon.outside} == {
        ("requirement", dev.pk, later),
        ("campaign", budget.pk, month),
    }


def test_suggestions_from_estimates(ctx, dev, budget, requirement):
    pools = list(selectors.active_pools(dev.workspace))
    found = selectors.suggestions(requirement, pools, [])
    assert [(s["kind"], s["pool"], s["amount"]) for s in found] == [
        ("days", dev, Decimal("8.0")),
        ("money", budget, Decimal("5000.00")),
    ]
    d = services.demand_add(
        ctx=ctx,
        pool=dev,
        start=cap.parse(found[0]["period"], "month"),
        amount=found[0]["amount"],
        requirement=requirement,
    )
    assert [s["kind"] for s in selectors.suggestions(requirement, pools, [d])] == ["money"]
