from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from truce.core.errors import Conflict, ValidationFailed
from truce.core.models import DomainEvent
from truce.goals import services as goals
from truce.meetings import records
from truce.meetings.models import ActionItem, Decision
from truce.meetings.selectors import decision_log
from truce.meetings.tasks import remind_action
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def _decide(ctx, user, **extra):
    values = {
        "question": "首页改版是否全量上线？",
        "product_position": "先灰度 10%，观察留存",
        "product_rationale": "改版影响老用户习惯",
        "operations_position": "配合双十一大促全量",
        "operations_rationale": "大促流量窗口只有一次",
        "outcome": "灰度 30%，大促当天全量",
        "decided_by": user,
        "options": ["灰度 10%", "全量", "灰度 30% 后全量"],
    }
    return records.decision_record(ctx=ctx, **{**values, **extra})


def test_decision_records_both_positions_links_and_event(ctx, alice, running):
    req = requirement_create(ctx=ctx, title="首页改版")
    decision = _decide(ctx, alice, meeting=running, requirements=[req])
    assert decision.number == 1 and decision.ref == "D1"
    assert list(decision.requirements.all()) == [req]
    event = DomainEvent.objects.get(kind="decision.recorded")
    assert event.data["requirements"] == [req.number]
    assert set(event.data["recipients"]) >= {alice.pk}
    assert event.url.endswith("/decisions/1/")


def test_decisions_are_immutable_in_the_model_and_in_the_database(ctx, alice):
    decision = _decide(ctx, alice)
    decision.outcome = "改了"
    with pytest.raises(Conflict):
        decision.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(outcome="偷偷改了")
    table = Decision._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET question = %s WHERE id = %s", ["x", decision.pk])
    assert Decision.objects.get(pk=decision.pk).outcome == "灰度 30%，大促当天全量"


def test_supersede_marks_the_old_one_and_only_once(ctx, alice):
    old = _decide(ctx, alice)
    new = _decide(ctx, alice, outcome="全量上线", supersedes=old)
    old.refresh_from_db()
    assert old.superseded_by == new and new.supersedes == old
    with pytest.raises(Conflict):
        _decide(ctx, alice, supersedes=old)
    assert list(decision_log(ctx.workspace, current_only=True)) == [new]


def test_decision_validation(ctx, alice, charlie, meeting):
    with pytest.raises(ValidationFailed) as exc:
        _decide(ctx, alice, product_position="  ")
    assert "product_position" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        _decide(ctx, charlie)
    assert "decided_by" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        _decide(ctx, alice, meeting=meeting)  # not started yet
    assert "meeting" in exc.value.fields


def test_search_finds_two_character_chinese_and_english(ctx, alice):
    first = _decide(ctx, alice)
    second = _decide(
        ctx,
        alice,
        question="Coupon budget for Q4",
        outcome="Cap at 50k",
        product_position="Less",
        product_rationale="",
        operations_position="More",
        operations_rationale="",
        options=[],
    )
    assert list(decision_log(ctx.workspace, "灰度")) == [first]
    assert list(decision_log(ctx.workspace, "大促")) == [first]
    assert list(decision_log(ctx.workspace, "coupon")) == [second]
    assert list(decision_log(ctx.workspace, "没有")) == []


def test_decision_links_key_results_of_this_workspace_only(ctx, alice, today):
    period = goals.period_create(ctx=ctx, name="Q", start=today, end=today + timedelta(days=80))
    objective = goals.objective_create(ctx=ctx, period=period, title="提升转化")
    kr = goals.key_result_create(ctx=ctx, objective=objective, title="转化率", baseline=1, target=2)
    decision = _decide(ctx, alice, key_results=[kr])
    assert list(decision.key_results.all()) == [kr]


# Action items ------------------------------------------------------------------------------


def test_action_create_announces_and_schedules_the_morning_reminder(
    ctx, olivia, running, today, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    remind_action.get_backend().clear()
    due = today + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        action = records.action_create(
            ctx=ctx, title="准备灰度方案", owner=olivia, due=due, meeting=running
        )
    event = DomainEvent.objects.get(kind="action.assigned")
    assert event.data == {
        "action_id": action.pk,
        "owner_id": olivia.pk,
        "due": due.isoformat(),
        "recipients": [olivia.pk],
    }
    [queued] = [r for r in remind_action.get_backend().results if r.task.name == remind_action.name]
    assert queued.task.run_after == records.reminder_moment(due)
    assert queued.task.run_after.hour == 9 and queued.args == []
    assert queued.kwargs == {"action_id": action.pk, "due": due.isoformat()}


def test_reminder_rechecks_state_and_never_sends_twice(ctx, olivia, today):
    action = records.action_create(ctx=ctx, title="发问卷", owner=olivia, due=today)
    morning = records.reminder_moment(today)
    early = records.action_remind(
        action_id=action.pk, due=today.isoformat(), now=morning - timedelta(hours=1)
    )
    assert early is False
    assert records.action_remind(action_id=action.pk, due=today.isoformat(), now=morning)
    assert not records.action_remind(action_id=action.pk, due=today.isoformat(), now=morning)
    assert DomainEvent.objects.filter(kind="action.due").count() == 1


def test_done_or_moved_items_send_nothing(ctx, olivia, today):
    morning = records.reminder_moment(today)
    done = records.action_create(ctx=ctx, title="A", owner=olivia, due=today)
    records.action_update(ctx=ctx, action=done, expected_version=done.version, status="done")
    assert done.completed_at is not None
    assert not records.action_remind(action_id=done.pk, due=today.isoformat(), now=morning)
    moved = records.action_create(ctx=ctx, title="B", owner=olivia, due=today)
    later = today + timedelta(days=2)
    records.action_update(ctx=ctx, action=moved, expected_version=moved.version, due=later)
    assert not records.action_remind(action_id=moved.pk, due=today.isoformat(), now=morning)
    assert not records.action_remind(action_id=moved.pk, due="not-a-date")
    assert DomainEvent.objects.filter(kind="action.due").count() == 0


def test_task_runs_the_same_check(ctx, olivia):
    yesterday = date.today() - timedelta(days=1)
    action = records.action_create(ctx=ctx, title="逾期", owner=olivia, due=yesterday)
    assert remind_action.call(action_id=action.pk, due=yesterday.isoformat()) is True
    assert remind_action.call(action_id=action.pk, due=yesterday.isoformat()) is False


def test_reassignment_tells_the_new_owner(ctx, olivia, lena, today):
    action = records.action_create(ctx=ctx, title="A", owner=olivia, due=today)
    records.action_update(ctx=ctx, action=action, expected_version=action.version, owner=lena)
    kinds = list(
        DomainEvent.objects.filter(kind="action.assigned").values_list("data__owner_id", flat=True)
    )
    assert sorted(kinds) == sorted([olivia.pk, lena.pk])
    with pytest.raises(ValidationFailed):
        records.action_update(ctx=ctx, action=action, expected_version=None, meeting=None)


def test_overdue_items_and_owner_must_be_member(ctx, olivia, charlie, today):
    late = records.action_create(ctx=ctx, title="迟了", owner=olivia, due=today - timedelta(days=2))
    assert list(ActionItem.objects.overdue(today)) == [late]
    with pytest.raises(ValidationFailed) as exc:
        records.action_create(ctx=ctx, title="x", owner=charlie, due=today)
    assert "owner" in exc.value.fields
    assert records.reminder_moment(today).astimezone(UTC) < datetime.combine(
        today, datetime.min.time(), tzinfo=UTC
    ) + timedelta(days=1)
