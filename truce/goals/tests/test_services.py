from __future__ import annotations

from datetime import date

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord
from truce.goals import selectors, services
from truce.goals.models import KeyResult
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_quarter_bounds():
    assert services.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert services.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_period_dates_must_be_in_order(ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.period_create(ctx=ctx, name="x", start=date(2026, 2, 1), end=date(2026, 1, 1))
    assert "end" in exc.value.fields


def test_key_result_target_must_follow_direction(ctx, objective):
    with pytest.raises(ValidationFailed) as exc:
        services.key_result_create(
            ctx=ctx, objective=objective, title="流失率", baseline=8, target=5, direction="up"
        )
    assert "target" in exc.value.fields
    down = services.key_result_create(
        ctx=ctx, objective=objective, title="流失率", baseline=8, target=5, direction="down"
    )
    assert down.current == 8


def test_objective_parent_cycle_refused(ctx, period, objective):
    child = services.objective_create(ctx=ctx, period=period, title="子目标", parent=objective)
    with pytest.raises(ValidationFailed) as exc:
        services.objective_update(ctx=ctx, objective=objective, expected_version=1, parent=child)
    assert "parent" in exc.value.fields


def test_owner_must_be_member(ctx, objective, charlie):
    with pytest.raises(ValidationFailed):
        services.objective_update(ctx=ctx, objective=objective, expected_version=1, owner=charlie)


def test_check_in_updates_current_and_confidence(ctx, kr):
    services.check_in_create(ctx=ctx, key_result=kr, value=15, confidence=0.4, note="活动上线")
    kr.refresh_from_db()
    assert (kr.current, kr.confidence, kr.version) == (15, 0.4, 2)
    with pytest.raises(ValidationFailed):
        services.check_in_create(ctx=ctx, key_result=kr, value=1, confidence=3)


def test_key_result_update_records_history_and_refuses_stale(ctx, kr):
    services.key_result_update(ctx=ctx, key_result=kr, expected_version=1, target=25)
    change = ChangeRecord.objects.get(subject_type="keyresult", verb="updated")
    assert change.changes == {"target": [20.0, 25]}
    stale = KeyResult.objects.get(pk=kr.pk)
    stale.version = 1
    with pytest.raises(PreconditionFailed):
        services.key_result_update(ctx=ctx, key_result=stale, expected_version=1, target=30)


def test_link_twice_is_a_conflict(ctx, kr):
    req = requirement_create(ctx=ctx, title="新人礼包")
    services.link_add(ctx=ctx, key_result=kr, requirement=req, contribution="+2%")
    with pytest.raises(Conflict):
        services.link_add(ctx=ctx, key_result=kr, requirement=req)
    services.link_remove(ctx=ctx, key_result=kr, requirement=req)
    assert not kr.links.exists()


def _sign(user, period):
    return services.period_sign(ctx=access_workspace(user, "spark"), period=period)


def test_agreed_needs_product_operations_and_lead(alice, olivia, lena, period, kr):
    _sign(alice, period)
    _sign(olivia, period)
    state = selectors.signoff_state(period)
    assert not state.agreed and state.missing == ["Lead"]
    _sign(lena, period)
    assert selectors.signoff_state(period).agreed


def test_lead_optional_when_the_workspace_says_so(admin, alice, olivia, period, kr):
    services.goal_settings_update(
        ctx=access_workspace(admin, "spark"), requires_lead_signature=False, expected_version=1
    )
    _sign(alice, period)
    _sign(olivia, period)
    assert selectors.signoff_state(period).agreed


def test_only_admins_change_the_settings(ctx):
    with pytest.raises(PermissionDenied):
        services.goal_settings_update(ctx=ctx, requires_lead_signature=False, expected_version=1)


def test_a_change_after_signing_reopens_and_is_listed(alice, olivia, lena, period, kr, ctx):
    for user in (alice, olivia, lena):
        _sign(user, period)
    services.check_in_create(ctx=ctx, key_result=kr, value=12, confidence=0.8)
    assert selectors.signoff_state(period).agreed  # progress is not a change of plan
    services.key_result_update(ctx=ctx, key_result=kr, expected_version=kr.version, target=30)
    state = selectors.signoff_state(period)
    assert not state.agreed and state.reopened and len(state.stale) == 3
    assert [c.changes for c in state.changes] == [{"target": [20.0, 30]}]
    _sign(alice, period)  # signing the new version is allowed, the old one stays as history
    assert len(selectors.signoff_state(period).valid) == 1


def test_signing_twice_and_signing_nothing(alice, period, kr, ctx):
    _sign(alice, period)
    with pytest.raises(Conflict):
        _sign(alice, period)
    empty = services.period_create(
        ctx=ctx, name="空", start=date(2026, 1, 1), end=date(2026, 3, 31)
    )
    with pytest.raises(ValidationFailed):
        _sign(alice, empty)


def test_viewer_cannot_sign(victor, period, kr):
    with pytest.raises(PermissionDenied):
        _sign(victor, period)


def test_strategic_fit_from_linked_key_results(ctx, kr):
    req = requirement_create(ctx=ctx, title="新人礼包")
    assert services.strategic_fit_for(req) == 0
    services.link_add(ctx=ctx, key_result=kr, requirement=req)
    # Half the period gone, no progress: at risk (+3), joint objective (+2), base 2.
    assert services.strategic_fit_for(req) == 7


def test_period_overview_rolls_up_by_weight(ctx, objective, kr, period):
    other = services.key_result_create(
        ctx=ctx, objective=objective, title="复购率", baseline=0, target=10, weight=3
    )
    services.check_in_create(ctx=ctx, key_result=other, value=10, confidence=0.9)
    overview = selectors.period_overview(period)
    o = overview["objectives"][0]
    assert o.progress_pct == 75 and o.at_risk  # kr (weight 1) is at 0 %, half-way through
    assert overview["at_risk_count"] == 1
