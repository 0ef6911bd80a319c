"""Reads for the meetings pages and API: lists, a meeting with everything on it, the decision
log with search, action items."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from truce.accounts.models import User
from truce.core.search import fts_filter
from truce.meetings import agenda
from truce.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)

PAGE = 50


def meetings_overview(workspace, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    base = Meeting.objects.for_workspace(workspace).select_related("series")
    upcoming = list(
        base.filter(date__gte=today)
        .exclude(status=MeetingStatus.DONE)
        .order_by("starts_at", "pk")[:12]
    )
    running = [m for m in upcoming if m.status == MeetingStatus.IN_PROGRESS]
    past = list(
        base.filter(Q(date__lt=today) | Q(status=MeetingStatus.DONE))
        .exclude(pk__in=[m.pk for m in upcoming])
        .annotate(n_decisions=Count("decisions", distinct=True))
        .order_by("-starts_at", "-pk")[:20]
    )
    series = list(
        MeetingSeries.objects.filter(workspace=workspace)
        .annotate(n_attendees=Count("attendees", distinct=True))
        .order_by("title", "pk")
    )
    return {"upcoming": upcoming, "running": running, "past": past, "series": series}


def agenda_sections(meeting: Meeting) -> list[AgendaItem]:
    """Agenda items in order, each with its source's title."""
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("added_by"))
    for item in items:
        item.source_title = agenda.title_of(item.source)
    return items


def meeting_detail(meeting: Meeting, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    attendance = list(
        Attendance.objects.filter(meeting=meeting).select_related("user").order_by("user__username")
    )
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("decided_by", "superseded_by")
        .order_by("number")
    )
    actions = list(
        ActionItem.objects.filter(meeting=meeting).select_related("owner").order_by("due", "pk")
    )
    for a in actions:
        a.overdue = a.is_overdue(today)
    return {
        "agenda": agenda_sections(meeting),
        "attendance": attendance,
        "decisions": decisions,
        "actions": actions,
    }


def members_of(workspace):
    return User.objects.filter(memberships__workspace=workspace).order_by("username")


def decision_log(workspace, query: str = "", *, current_only: bool = False):
    qs = (
        Decision.objects.for_workspace(workspace)
        .select_related(
            "decided_by", "recorded_by", "meeting__series", "superseded_by", "supersedes"
        )
        .order_by("-decided_at", "-number")
    )
    if current_only:
        qs = qs.current()
    if query.strip():
        qs = fts_filter(qs, query)
    return qs


def decision_links(decision: Decision) -> dict:
    return {
        "requirements": list(decision.requirements.order_by("number")),
        "key_results": list(decision.key_results.order_by("pk")),
        "campaigns": list(decision.campaigns.order_by("number")),
        "actions": list(decision.action_items.select_related("owner").order_by("due", "pk")),
    }


def actions_list(workspace, *, status: str = "open", owner=None, today: date | None = None):
    today = today or timezone.localdate()
    qs = ActionItem.objects.for_workspace(workspace).select_related(
        "owner", "meeting__series", "decision"
    )
    if status == "overdue":
        qs = qs.overdue(today)
    elif status in ActionStatus.values:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner=owner)
    items = list(qs.order_by("due", "pk")[:200])
    for a in items:
        a.overdue = a.is_overdue(today)
    return items


def series_with_attendees(workspace):
    return MeetingSeries.objects.filter(workspace=workspace).prefetch_related(
        Prefetch("attendees", queryset=User.objects.order_by("username"))
    )
