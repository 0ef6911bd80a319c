"""Demo sync meetings. Spark (zh-Hans): a weekly 产品运营周会 with last week's meeting done
(minutes, attendance, a decision about a contested requirement with both positions, two
action items of which one is overdue) and the next one coming, its agenda generated from the
contested requirements, the key results at risk and the overdue item. Northwind (English): a
weekly product & growth sync with its meetings to come."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from truce.core.access import access_workspace
from truce.meetings import records, services
from truce.meetings.models import Meeting, MeetingSeries
from truce.requirements.models import Requirement

MINUTES_ZH = """## 结论
- {ref} 的分歧已记录为决策 {decision}：产品与运营各自的立场见决策页。
- 大促结束后复盘卸载率，再决定是否调整日常上限。

## 讨论要点
1. 运营：大促 GMV 有四成来自推送召回，流量窗口一年只有一次。
2. 产品：推送导致的卸载率 KR 已经落后，需要一个明确的刹车条件。
"""


def _contested(ws):
    """The contested requirement about push notifications if there is one, else the first."""
    contested = Requirement.objects.filter(workspace=ws, contested=True).order_by("number")
    return contested.filter(title__contains="推送").first() or contested.first()


def seed(ws, spec, users) -> None:
    if MeetingSeries.objects.filter(workspace=ws).exists():
        return
    if spec["language"] == "zh-hans" and "lena" in users:
        _spark(ws, users)
    elif "charlie" in users:
        _northwind(ws, users)


def _members(ws, users, names):
    return [users[n] for n in names if users[n].memberships.filter(workspace=ws).exists()]


def _spark(ws, users) -> None:
    lead = access_workspace(users["lena"], ws.slug)
    today = timezone.localdate()
    upcoming = today + timedelta(days=2)
    series = services.series_create(
        ctx=lead,
        title="产品运营周会",
        description="每周一次：过争议需求、风险 KR 和逾期事项，当场做决定。",
        weekday=upcoming.weekday(),
        start_time=time(10, 0),
        duration_minutes=60,
        starts_on=upcoming - timedelta(days=28),
        location="3 楼大会议室 / 飞书会议",
        attendees=_members(ws, users, ["alice", "olivia", "lena", "admin"]),
        today=today,
    )
    past_day = upcoming - timedelta(days=7)
    services.meetings_generate(series=series, start=past_day, end=past_day)
    past = Meeting.objects.select_related("series").get(series=series, date=past_day)
    past.workspace = ws
    _run_past_meeting(lead, past, users)
    nxt = Meeting.objects.select_related("series").get(series=series, date=upcoming)
    nxt.workspace = ws
    services.agenda_generate(nxt)


def _run_past_meeting(lead, meeting: Meeting, users) -> None:
    services.meeting_start(ctx=lead, meeting=meeting)
    contested = _contested(meeting.workspace)
    decision = records.decision_record(
        ctx=lead,
        question=f"{contested.title if contested else '推送频控'}：大促期间是否放宽？",
        options=[
            "全年每人每天最多 3 条",
            "大促期间放宽到 5 条",
            "大促 3 天放宽到 5 条并监控卸载率",
        ],
        product_position="坚持每人每天最多 3 条，大促也不例外。",
        product_rationale="推送导致的卸载率已落后于 KR；每多一条推送，次日卸载率上升约 0.3%。",
        operations_position="大促期间放宽到每天 5 条，保证会场和券的触达。",
        operations_rationale="大促 GMV 的 40% 来自推送召回，一年只有这一个流量窗口。",
        outcome="日常每天最多 3 条；大促 3 天内放宽到 5 条，卸载率超过基线即恢复 3 条。",
        rationale="用卸载率做刹车：运营拿到大促触达，产品守住卸载率底线。",
        decided_by=users["lena"],
        decided_at=meeting.starts_at + timedelta(minutes=35),
        meeting=meeting,
        requirements=[contested] if contested else [],
    )
    records.action_create(
        ctx=lead,
        title="整理上次大促期间推送与卸载率的数据",
        owner=users["alice"],
        due=meeting.date + timedelta(days=2),  # already past: shows as overdue
        meeting=meeting,
        decision=decision,
    )
    records.action_create(
        ctx=lead,
        title="准备大促 3 天的推送排期与素材",
        owner=users["olivia"],
        due=meeting.date + timedelta(days=12),
        meeting=meeting,
        decision=decision,
    )
    ref = contested.ref if contested else ""
    services.minutes_update(
        ctx=lead,
        meeting=meeting,
        minutes=MINUTES_ZH.format(ref=ref, decision=decision.ref),
        expected_version=None,
    )
    presence = {a.user_id: "present" for a in meeting.attendance.all()}
    presence[users["olivia"].pk] = "late"
    services.attendance_set(ctx=lead, meeting=meeting, presence=presence)
    services.meeting_finish(ctx=lead, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        started_at=meeting.starts_at, finished_at=meeting.ends_at
    )


def _northwind(ws, users) -> None:
    admin = access_workspace(users["charlie"], ws.slug)
    today = timezone.localdate()
    services.series_create(
        ctx=admin,
        title="Weekly product & growth sync",
        description="Contested requirements, key results at risk and overdue actions.",
        weekday=0,
        start_time=time(16, 0),
        duration_minutes=45,
        timezone="Europe/London",
        starts_on=today,
        location="Zoom",
        attendees=_members(ws, users, ["charlie", "victor"]),
        today=today,
    )
