from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import DomainEvent
from truce.meetings import services
from truce.meetings.models import AgendaItem, Attendance, Meeting, MeetingStatus
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def _contest(req, message="产品与运营评分相差 40%"):
    Requirement.objects.filter(pk=req.pk).update(
        contested=True, contest_reasons=[{"message_en": "Lens gap", "message_zh": message}]
    )


def test_series_generates_meetings_from_today_to_the_horizon_idempotently(series, today):
    dates = list(Meeting.objects.filter(series=series).values_list("date", flat=True))
    assert min(dates) == today
    assert len(dates) == services.HORIZON_DAYS // 7 + 1
    assert services.meetings_generate(series=series, start=today) == []
    assert services.ensure_upcoming(series.workspace, today) == 0
    assert Meeting.objects.filter(series=series).count() == len(dates)


def test_meeting_times_are_shanghai_wall_clock(meeting):
    assert meeting.starts_at.astimezone(UTC).hour == 2  # 10:00 in Asia/Shanghai
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=60)
    assert set(meeting.attendance.values_list("user__username", flat=True)) == {"alice", "olivia"}


def test_series_refuses_bad_time_zone_outsiders_and_no_attendees(ctx, charlie, alice, today):
    base = {"title": "x", "weekday": 0, "start_time": time(9), "starts_on": today}
    with pytest.raises(ValidationFailed) as exc:
        services.series_create(ctx=ctx, attendees=[alice], timezone="Mars/Base", **base)
    assert "timezone" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.series_create(ctx=ctx, attendees=[charlie], **base)
    assert "attendees" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.series_create(ctx=ctx, attendees=[], **base)


def test_series_change_moves_upcoming_meetings_and_attendance(ctx, series, lena, today):
    next_day = (today.weekday() + 1) % 7
    services.series_update(
        ctx=ctx,
        series=series,
        expected_version=series.version,
        weekday=next_day,
        start_time=time(15, 0),
        attendees=[lena],
    )
    upcoming = Meeting.objects.filter(series=series, date__gte=today)
    assert {m.date.weekday() for m in upcoming} == {next_day}
    first = upcoming.order_by("date").first()
    assert first.starts_at.astimezone(UTC).hour == 7
    assert list(first.attendance.values_list("user__username", flat=True)) == ["lena"]
    with pytest.raises(PreconditionFailed):
        services.series_update(ctx=ctx, series=series, expected_version=1, title="旧")


def test_agenda_comes_from_the_sources_and_refresh_keeps_hand_items(ctx, meeting, alice):
    req = requirement_create(ctx=ctx, title="首页改版")
    _contest(req)
    services.agenda_generate(meeting)
    item = AgendaItem.objects.get(meeting=meeting, source="contested")
    assert item.key == f"requirement:{req.number}" and "首页改版" in item.text
    assert item.link.endswith(f"/requirements/{req.number}/")
    manual = services.agenda_item_add(ctx=ctx, meeting=meeting, text="大促排期")
    services.agenda_move(ctx=ctx, meeting=meeting, item=manual, offset=-1)
    Requirement.objects.filter(pk=req.pk).update(contested=False)
    services.agenda_refresh(ctx=ctx, meeting=meeting)
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("text", flat=True)) == [
        "大促排期"
    ]


def test_start_snapshots_the_agenda_and_freezes_it(ctx, meeting):
    req = requirement_create(ctx=ctx, title="会员积分")
    _contest(req)
    services.meeting_start(ctx=ctx, meeting=meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS and meeting.started_at
    assert AgendaItem.objects.filter(meeting=meeting, source="contested").count() == 1
    Requirement.objects.filter(pk=req.pk).update(contested=False)
    with pytest.raises(Conflict):
        services.agenda_refresh(ctx=ctx, meeting=meeting)
    assert AgendaItem.objects.filter(meeting=meeting, source="contested").count() == 1
    with pytest.raises(Conflict):
        services.meeting_start(ctx=ctx, meeting=meeting)


def test_finish_only_from_in_progress_and_announces(
    ctx, meeting, django_capture_on_commit_callbacks
):
    with pytest.raises(Conflict):
        services.meeting_finish(ctx=ctx, meeting=meeting)
    services.meeting_start(ctx=ctx, meeting=meeting)
    services.meeting_finish(ctx=ctx, meeting=meeting)
    assert meeting.status == MeetingStatus.DONE
    event = DomainEvent.objects.get(kind="meeting.finished")
    assert sorted(event.data["recipients"]) == sorted(
        meeting.attendance.values_list("user_id", flat=True)
    )
    with pytest.raises(Conflict):
        services.agenda_item_add(ctx=ctx, meeting=meeting, text="late")


def test_only_attendees_admins_and_leads_run_a_meeting(meeting, workspace, lena, victor, admin):
    lena_ctx = access_workspace(lena, workspace.slug)
    services.agenda_item_add(ctx=lena_ctx, meeting=meeting, text="lead may")
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(
            ctx=access_workspace(victor, workspace.slug), meeting=meeting, text="viewer"
        )


def test_non_attendee_writer_cannot_run_it(ctx, meeting, workspace, admin):
    from truce.accounts.models import Membership, Role

    Membership.objects.filter(user=admin).update(role=Role.OPERATIONS)
    outsider_ctx = access_workspace(admin, workspace.slug)
    with pytest.raises(PermissionDenied):
        services.meeting_start(ctx=outsider_ctx, meeting=meeting)


def test_minutes_are_markdown_and_versioned(ctx, running):
    services.minutes_update(
        ctx=ctx, meeting=running, minutes="**结论**：先灰度", expected_version=running.version
    )
    assert "<strong>结论</strong>" in running.minutes_html
    with pytest.raises(PreconditionFailed):
        services.minutes_update(ctx=ctx, meeting=running, minutes="x", expected_version=1)


def test_attendance_for_attendees_only(ctx, running, alice, olivia, lena):
    services.attendance_set(
        ctx=ctx, meeting=running, presence={alice.pk: "present", olivia.pk: "late"}
    )
    rows = dict(Attendance.objects.filter(meeting=running).values_list("user_id", "presence"))
    assert rows == {alice.pk: "present", olivia.pk: "late"}
    with pytest.raises(ValidationFailed):
        services.attendance_set(ctx=ctx, meeting=running, presence={lena.pk: "present"})
    with pytest.raises(ValidationFailed):
        services.attendance_set(ctx=ctx, meeting=running, presence={alice.pk: "asleep"})


def test_reorder_and_removal_rules(ctx, meeting):
    a = services.agenda_item_add(ctx=ctx, meeting=meeting, text="A")
    b = services.agenda_item_add(ctx=ctx, meeting=meeting, text="B")
    services.agenda_reorder(ctx=ctx, meeting=meeting, order=[b.pk])
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("text", flat=True)) == [
        "B",
        "A",
    ]
    with pytest.raises(ValidationFailed):
        services.agenda_reorder(ctx=ctx, meeting=meeting, order=[a.pk, a.pk])
    generated = AgendaItem.objects.create(meeting=meeting, source="contested", key="k", text="t")
    with pytest.raises(Conflict):
        services.agenda_item_remove(ctx=ctx, meeting=meeting, item=generated)
    services.agenda_item_remove(ctx=ctx, meeting=meeting, item=a)
    with pytest.raises(ValidationFailed):
        services.agenda_item_add(ctx=ctx, meeting=meeting, text="x", link="javascript:alert(1)")


def test_generation_survives_a_concurrent_twin(series, today):
    Meeting.objects.filter(series=series).delete()
    made = services.meetings_generate(series=series, start=today, end=today)
    assert len(made) == 1
    assert services.meetings_generate(series=series, start=today, end=today) == []


def test_past_series_window_for_seeds(ctx, alice, today):
    series = services.series_create(
        ctx=ctx,
        title="Weekly",
        weekday=today.weekday(),
        start_time=time(9),
        starts_on=today - timedelta(days=30),
        attendees=[alice],
    )
    made = services.meetings_generate(series=series, start=today - timedelta(days=7), end=today)
    assert [m.date for m in made] == [today - timedelta(days=7)]
    assert datetime.now(UTC) > made[0].starts_at
