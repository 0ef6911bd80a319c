from __future__ import annotations

from datetime import date

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord, DomainEvent
from truce.planning import selectors, services
from truce.planning.inputs import build_inputs
from truce.planning.models import Run, RunItem, RunStatus
from truce.requirements.models import Requirement
from truce.resources.models import Campaign


def _ids(inputs):
    return [i["id"] for i in inputs["items"]]


def test_inputs_take_the_filter_and_pull_in_what_candidates_need(ctx, world, period):
    scenario = services.scenario_create(
        ctx=ctx, name="s", period=period, statuses=["under_review"], picked=["#5"]
    )
    inputs = build_inputs(scenario)
    # #3 by the filter, #5 picked, #2 its prerequisite and C1's feature, C1 by the filter.
    assert _ids(inputs) == ["R2", "R3", "R5", "C1"]
    rows = {i["id"]: i for i in inputs["items"]}
    assert rows["R2"]["pulled_in"] and rows["R5"]["requires"] == ["R2"]
    assert rows["C1"]["promotes"] == ["R2"] and rows["C1"]["side"] == "operations"
    assert rows["R2"]["customer"] == 10.0  # the most demanded candidate
    assert inputs["periods"] == ["2026-07-01"]  # the planning period's months
    assert sorted(inputs["capacity"].values()) == [20.0, 100.0]


def test_a_prerequisite_already_in_progress_counts_as_satisfied(ctx, world, period):
    from truce.requirements.services import requirement_move

    for step in ("scheduled", "in_progress"):
        requirement_move(ctx=ctx, requirement=world["requirements"][1], status=step)
    scenario = services.scenario_create(
        ctx=ctx, name="s", statuses=["rejected"], picked=["R5"], include_campaigns=False
    )
    inputs = build_inputs(scenario)
    assert _ids(inputs) == ["R5"] and inputs["items"][0]["requires"] == []


def test_scenario_validation(ctx, world, olivia):
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_create(ctx=ctx, name="s", mandatory=["#99", "C7", "bogus"])
    assert exc.value.fields["mandatory"] == ["Unknown items: bogus, #99, C7."]
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_create(ctx=ctx, name="s", mandatory=["#1"], excluded=["R1"])
    assert "excluded" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_create(
            ctx=ctx, name="s", product_weight=0, operations_weight=0, customer_weight=0
        )
    assert "product_weight" in exc.value.fields
    services.scenario_create(ctx=ctx, name="s")
    with pytest.raises(ValidationFailed) as exc:
        services.scenario_create(ctx=ctx, name="s")
    assert "name" in exc.value.fields


def test_update_records_history_and_refuses_stale_versions(ctx, scenario):
    services.scenario_update(ctx=ctx, scenario=scenario, expected_version=1, product_weight=3)
    record = ChangeRecord.objects.filter(subject_type="scenario", verb="updated").get()
    assert record.changes == {"product_weight": [1.0, 3]}
    with pytest.raises(PreconditionFailed):
        services.scenario_update(ctx=ctx, scenario=scenario, expected_version=1, name="x")


def test_run_start_refuses_when_nothing_can_be_planned(ctx, world):
    empty = services.scenario_create(
        ctx=ctx, name="e", statuses=["rejected"], include_campaigns=False
    )
    with pytest.raises(ValidationFailed, match="No requirement or campaign"):
        services.run_start(ctx=ctx, scenario=empty)
    later = services.scenario_create(ctx=ctx, name="l", horizon=[date(2030, 1, 1)])
    with pytest.raises(ValidationFailed, match="no capacity"):
        services.run_start(ctx=ctx, scenario=later)


def test_run_records_status_timings_and_the_previous_run(
    ctx, run, django_capture_on_commit_callbacks
):
    assert run.status == RunStatus.DONE and run.progress == 1.0
    assert run.started_at and run.finished_at and run.timings["solve"] >= 0
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_start(ctx=ctx, scenario=run.scenario)
    assert second.number == 2 and second.previous_id == run.pk


def test_a_failing_run_is_marked_failed_and_raises(ctx, scenario, monkeypatch):
    from truce.planning import engine

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(engine, "run_all", broken)
    run = services.run_start(ctx=ctx, scenario=scenario)
    with pytest.raises(RuntimeError):
        services.run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == "solver exploded"
    assert services.run_execute(run.pk) is None  # not queued any more: nothing to do


def test_explanations_on_demand_are_stored(ctx, run, monkeypatch):
    from truce.planning import engine

    result = dict(run.result)
    result["explanations"] = {}
    Run.objects.filter(pk=run.pk).update(result=result)
    run.refresh_from_db()
    services.run_lay_out(run)
    assert RunItem.objects.get(run=run, key="R3").data["explanation"] is None
    found = services.run_explain(run=run, item_id="R3")
    assert found["included"] is False
    run.refresh_from_db()
    assert run.result["explanations"]["R3"] == found and run.version == 1
    shown = RunItem.objects.get(run=run, key="R3").data["explanation"]
    assert {k: shown[k] for k in found} == found and "displaced_items" in shown

    def solve_again(*args, **kwargs):
        raise AssertionError("an explanation is worked out once")

    monkeypatch.setattr(engine, "explain_item", solve_again)
    assert services.run_explain(run=run, item_id="R3") == found


def test_adopt_changes_the_selection(ctx, run):
    points = run.result["pareto"]["points"]
    services.run_adopt(ctx=ctx, run=run, point=0, expected_version=run.version)
    assert run.result["selected"] == points[0]["selected"] and run.version == 2
    with pytest.raises(ValidationFailed):
        services.run_adopt(ctx=ctx, run=run, point=50, expected_version=None)


def _sign(user, plan):
    return services.plan_sign(ctx=access_workspace(user, "spark"), plan=plan)


def test_three_signatures_agree_and_schedule_the_plan(ctx, run, olivia, lena):
    plan = services.plan_publish(ctx=ctx, run=run)
    assert DomainEvent.objects.filter(kind="plan.published").count() == 1
    _sign(ctx.membership.user, plan)
    _sign(olivia, plan)
    assert not services.is_agreed(plan)
    _sign(lena, plan)
    plan.refresh_from_db()
    assert selectors.plan_signoff(plan).agreed
    selected = [i for i in run.result["selected"] if i.startswith("R")]
    assert sorted(plan.apply_report["moved"]) == sorted(["#" + i[1:] for i in selected] + ["C1"])
    statuses = set(Requirement.objects.filter(number__in=[int(i[1:]) for i in selected])
                   .values_list("status", flat=True))  # fmt: skip
    assert statuses == {"scheduled"}
    assert Campaign.objects.get().status == "scheduled"
    assert ChangeRecord.objects.filter(subject_type="campaign", verb="status").exists()
    signed = DomainEvent.objects.filter(kind="plan.signed").order_by("id")
    assert [e.data["agreed"] for e in signed] == [False, False, True]


def test_items_that_cannot_move_are_reported(
    ctx, scenario, olivia, lena, django_capture_on_commit_callbacks
):
    services.scenario_update(ctx=ctx, scenario=scenario, expected_version=None, mandatory=["#3"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(ctx=ctx, scenario=scenario)
    run.refresh_from_db()
    plan = services.plan_publish(ctx=ctx, run=run)
    for user in (ctx.membership.user, olivia, lena):
        _sign(user, plan)
    plan.refresh_from_db()
    refused = plan.apply_report["refused"]
    assert [r["ref"] for r in refused] == ["#3"] and "Under review" in refused[0]["reason"]


def test_republishing_a_different_selection_reopens_and_shows_the_difference(ctx, run, olivia):
    plan = services.plan_publish(ctx=ctx, run=run)
    _sign(ctx.membership.user, plan)
    point = next(k for k, p in enumerate(run.result["pareto"]["points"])
                 if p["selected"] != run.result["selected"])  # fmt: skip
    services.run_adopt(ctx=ctx, run=run, point=point, expected_version=None)
    plan = services.plan_publish(ctx=ctx, run=run)
    state = selectors.plan_signoff(plan)
    assert state.reopened and not state.valid and len(state.stale) == 1
    assert state.came_in or state.went_out


def test_signing_rules(ctx, run, victor):
    plan = services.plan_publish(ctx=ctx, run=run)
    _sign(ctx.membership.user, plan)
    with pytest.raises(Conflict):
        _sign(ctx.membership.user, plan)
    with pytest.raises(PermissionDenied):
        services.plan_sign(ctx=access_workspace(victor, "spark"), plan=plan)


def test_publish_needs_a_planning_period(ctx, world, django_capture_on_commit_callbacks):
    scenario = services.scenario_create(ctx=ctx, name="no period", statuses=["accepted"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(ctx=ctx, scenario=scenario)
    run.refresh_from_db()
    with pytest.raises(ValidationFailed, match="planning period"):
        services.plan_publish(ctx=ctx, run=run)


def test_an_agreed_plan_that_overcommits_a_pool_is_announced(ctx, run, olivia, lena, world):
    from decimal import Decimal

    from truce.resources.models import Capacity

    dev, _budget = world["pools"]
    plan = services.plan_publish(ctx=ctx, run=run)
    # capacity shrank after the run: scheduling the plan now over-commits the pool
    Capacity.objects.filter(pool=dev).update(amount=Decimal(5))
    for user in (ctx.membership.user, olivia, lena):
        _sign(user, plan)
    (event,) = DomainEvent.objects.filter(kind="pool.overcommitted")
    assert event.data["pool_id"] == dev.pk
