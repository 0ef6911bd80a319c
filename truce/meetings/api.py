"""API of meetings: series, meetings (agenda, minutes, attendance), decisions, action items,
and the personal calendar feed address."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import NotFound, ValidationFailed
from truce.meetings import calendar, linking, records, selectors, services
from truce.meetings.access import access_action, access_decision, access_meeting, access_series
from truce.meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries, MeetingStatus
from truce.meetings.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    AgendaItemIn,
    AgendaOrderIn,
    AgendaOut,
    AttendanceIn,
    CalendarFeedOut,
    DecisionIn,
    DecisionOut,
    MeetingDetailOut,
    MeetingOut,
    MinutesIn,
    SeriesIn,
    SeriesOut,
    SeriesPatch,
)

router = Router(tags=["meetings"])
BASE = "/workspaces/{slug}"
MEETING = BASE + "/meetings/{meeting_id}"


def _users(ctx, ids: list[int], field: str) -> list[User]:
    found = list(User.objects.filter(pk__in=ids, memberships__workspace=ctx.workspace))
    if len(found) != len(set(ids)):
        raise ValidationFailed(fields={field: [_("Choose members of this workspace.")]})
    return found


def _series_out(s: MeetingSeries) -> dict:
    fields = [*services.SERIES_FIELDS, "id", "version"]
    return {f: getattr(s, f) for f in fields} | {
        "attendees": sorted(s.attendees.all(), key=lambda u: u.username)  # prefetched in lists
    }


# Series --------------------------------------------------------------------------------------


@router.get(BASE + "/meeting-series", response={200: list[SeriesOut], **COMMON_ERRORS})
def series_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    return [_series_out(s) for s in selectors.series_with_attendees(ctx.workspace)]


@router.post(BASE + "/meeting-series", response={201: SeriesOut, **WRITE_ERRORS})
def series_create(request, response: HttpResponse, slug: str, payload: SeriesIn):
    """Creates the series and its meetings for the next six weeks."""
    ctx = access_workspace(request.user, slug, write=True)
    data = payload.dict()
    attendees = _users(ctx, data.pop("attendee_ids"), "attendee_ids")
    series = services.series_create(ctx=ctx, attendees=attendees, **data)
    response["ETag"] = series.etag
    return Status(201, _series_out(series))


@router.get(BASE + "/meeting-series/{series_id}", response={200: SeriesOut, **COMMON_ERRORS})
def series_detail(request, response: HttpResponse, slug: str, series_id: int):
    _ctx, series = access_series(request.user, slug, series_id)
    response["ETag"] = series.etag
    return _series_out(series)


@router.patch(BASE + "/meeting-series/{series_id}", response={200: SeriesOut, **WRITE_ERRORS})
def series_update(
    request,
    response: HttpResponse,
    slug: str,
    series_id: int,
    payload: SeriesPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Meetings still to come follow the change."""
    ctx, series = access_series(request.user, slug, series_id, write=True)
    version = version_from_if_match(if_match, pk=series.pk)
    data = payload.dict(exclude_unset=True)
    attendees = None
    if "attendee_ids" in data:
        attendees = _users(ctx, data.pop("attendee_ids") or [], "attendee_ids")
    for name in ("title", "cadence", "weekday", "start_time", "duration_minutes", "timezone"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    for name in ("starts_on", "description", "location"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    services.series_update(
        ctx=ctx, series=series, expected_version=version, attendees=attendees, **data
    )
    response["ETag"] = series.etag
    return _series_out(series)


# Meetings ------------------------------------------------------------------------------------


def _meeting_out(m: Meeting) -> dict:
    fields = ["id", "series_id", "date", "starts_at", "ends_at", "status", "minutes"]
    fields += ["minutes_html", "started_at", "finished_at", "version"]
    return {f: getattr(m, f) for f in fields} | {
        "title": m.series.title,
        "timezone": m.series.timezone,
    }


def _agenda_out(meeting: Meeting) -> dict:
    return {
        "frozen": meeting.agenda_frozen,
        "generated_at": meeting.agenda_refreshed_at,
        "items": [
            {
                **{f: getattr(i, f) for f in ("position", "source", "key", "text", "link")},
                "id": i.pk,
                "side": i.side,
                "severity": i.severity,
                "manual": i.manual,
                "source_title": i.source_title,
            }
            for i in selectors.agenda_sections(meeting)
        ],
    }


def _meeting_detail(meeting: Meeting) -> dict:
    if meeting.status == MeetingStatus.SCHEDULED and meeting.agenda_refreshed_at is None:
        services.agenda_generate(meeting)
    detail = selectors.meeting_detail(meeting)
    return _meeting_out(meeting) | {
        "agenda": _agenda_out(meeting),
        "attendance": [{"user": a.user, "presence": a.presence} for a in detail["attendance"]],
        "decisions": [d.number for d in detail["decisions"]],
        "action_items": [a.pk for a in detail["actions"]],
    }


@router.get(BASE + "/meetings", response={200: list[MeetingOut], **COMMON_ERRORS})
def meeting_list(
    request,
    slug: str,
    status: Literal["scheduled", "in_progress", "done"] | None = None,
    upcoming: bool = False,
    limit: int = Query(50, ge=1, le=200),
):
    """Newest first; ``upcoming=true`` lists meetings from today on, soonest first."""
    ctx = access_workspace(request.user, slug)
    services.ensure_upcoming(ctx.workspace)
    qs = Meeting.objects.for_workspace(ctx.workspace).select_related("series")
    if status:
        qs = qs.filter(status=status)
    if upcoming:
        qs = qs.filter(date__gte=timezone.localdate()).order_by("starts_at", "pk")
    return [_meeting_out(m) for m in qs[:limit]]


@router.get(MEETING, response={200: MeetingDetailOut, **COMMON_ERRORS})
def meeting_detail(request, response: HttpResponse, slug: str, meeting_id: int):
    _ctx, meeting = access_meeting(request.user, slug, meeting_id)
    response["ETag"] = meeting.etag
    return _meeting_detail(meeting)


@router.post(MEETING + "/start", response={200: MeetingDetailOut, **WRITE_ERRORS})
def meeting_start(request, response: HttpResponse, slug: str, meeting_id: int):
    """Scheduled → in progress; the agenda is generated once more and frozen."""
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    services.meeting_start(ctx=ctx, meeting=meeting)
    response["ETag"] = meeting.etag
    return _meeting_detail(meeting)


@router.post(MEETING + "/finish", response={200: MeetingDetailOut, **WRITE_ERRORS})
def meeting_finish(request, response: HttpResponse, slug: str, meeting_id: int):
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    services.meeting_finish(ctx=ctx, meeting=meeting)
    response["ETag"] = meeting.etag
    return _meeting_detail(meeting)


@router.put(MEETING + "/minutes", response={200: MeetingOut, **WRITE_ERRORS})
def minutes_update(
    request,
    response: HttpResponse,
    slug: str,
    meeting_id: int,
    payload: MinutesIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Markdown; send If-Match with the meeting's ETag."""
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    version = version_from_if_match(if_match, pk=meeting.pk)
    services.minutes_update(
        ctx=ctx, meeting=meeting, minutes=payload.minutes, expected_version=version
    )
    response["ETag"] = meeting.etag
    return _meeting_out(meeting)


@router.put(MEETING + "/attendance", response={200: MeetingDetailOut, **WRITE_ERRORS})
def attendance_set(request, slug: str, meeting_id: int, payload: AttendanceIn):
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    presence = {e.user_id: e.presence for e in payload.attendance}
    services.attendance_set(ctx=ctx, meeting=meeting, presence=presence)
    return _meeting_detail(meeting)


# Agenda --------------------------------------------------------------------------------------


@router.get(MEETING + "/agenda", response={200: AgendaOut, **COMMON_ERRORS})
def agenda_detail(request, slug: str, meeting_id: int):
    _ctx, meeting = access_meeting(request.user, slug, meeting_id)
    if meeting.status == MeetingStatus.SCHEDULED and meeting.agenda_refreshed_at is None:
        services.agenda_generate(meeting)
    return _agenda_out(meeting)


@router.post(MEETING + "/agenda/refresh", response={200: AgendaOut, **WRITE_ERRORS})
def agenda_refresh(request, slug: str, meeting_id: int):
    """Generate again from live data (409 once the meeting has started)."""
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    services.agenda_refresh(ctx=ctx, meeting=meeting)
    return _agenda_out(meeting)


@router.post(MEETING + "/agenda/items", response={201: AgendaOut, **WRITE_ERRORS})
def agenda_item_add(request, slug: str, meeting_id: int, payload: AgendaItemIn):
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    services.agenda_item_add(ctx=ctx, meeting=meeting, **payload.dict())
    return Status(201, _agenda_out(meeting))


@router.delete(MEETING + "/agenda/items/{agenda_item_id}", response={204: None, **WRITE_ERRORS})
def agenda_item_remove(request, slug: str, meeting_id: int, agenda_item_id: int):
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    item = AgendaItem.objects.filter(meeting=meeting, pk=agenda_item_id).first()
    if item is None:
        raise NotFound()
    services.agenda_item_remove(ctx=ctx, meeting=meeting, item=item)
    return Status(204, None)


@router.put(MEETING + "/agenda/order", response={200: AgendaOut, **WRITE_ERRORS})
def agenda_reorder(request, slug: str, meeting_id: int, payload: AgendaOrderIn):
    """The listed items first, in that order; the others keep their order after them."""
    ctx, meeting = access_meeting(request.user, slug, meeting_id, write=True)
    services.agenda_reorder(ctx=ctx, meeting=meeting, order=payload.order)
    return _agenda_out(meeting)


# Decisions -----------------------------------------------------------------------------------


def _decision_out(d) -> dict:
    fields = [
        "number",
        "question",
        "options",
        "product_position",
        "product_rationale",
        "operations_position",
        "operations_rationale",
        "outcome",
        "rationale",
        "decided_by",
        "decided_at",
        "recorded_by",
        "meeting_id",
        "created_at",
    ]
    successor = getattr(d, "superseded_by", None)
    return {f: getattr(d, f) for f in fields} | {
        "supersedes": d.supersedes.number if d.supersedes_id else None,
        "superseded_by": successor.number if successor else None,
        "requirement_numbers": [r.number for r in d.requirements.all()],
        "key_result_ids": [k.pk for k in d.key_results.all()],
        "campaign_numbers": [c.number for c in d.campaigns.all()],
    }


def _record(ctx, payload: DecisionIn, supersedes=None):
    data = payload.dict()
    decided_by = data.pop("decided_by_id")
    data["decided_by"] = (
        linking.decider(ctx, decided_by) if decided_by is not None else ctx.membership.user
    )
    data["meeting"] = linking.meeting_from(ctx, data.pop("meeting_id"))
    data["requirements"] = linking.requirements_from(ctx, data.pop("requirement_numbers"))
    data["key_results"] = linking.key_results_from(ctx, data.pop("key_result_ids"))
    data["campaigns"] = linking.campaigns_from(ctx, data.pop("campaign_numbers"))
    return records.decision_record(ctx=ctx, supersedes=supersedes, **data)


@router.get(BASE + "/decisions", response={200: list[DecisionOut], **COMMON_ERRORS})
def decision_list(
    request,
    slug: str,
    q: str = Query("", max_length=200, description="words in Chinese or English"),
    current: bool = Query(False, description="only decisions not superseded"),
    limit: int = Query(50, ge=1, le=200),
):
    ctx = access_workspace(request.user, slug)
    qs = selectors.decision_log(ctx.workspace, q, current_only=current).prefetch_related(
        "requirements", "key_results", "campaigns"
    )
    return [_decision_out(d) for d in qs[:limit]]


@router.post(BASE + "/decisions", response={201: DecisionOut, **WRITE_ERRORS})
def decision_create(request, slug: str, payload: DecisionIn):
    """Recorded decisions are immutable: there is no update; supersede instead."""
    ctx = access_workspace(request.user, slug, write=True)
    return Status(201, _decision_out(_record(ctx, payload)))


@router.get(BASE + "/decisions/{decision_number}", response={200: DecisionOut, **COMMON_ERRORS})
def decision_detail(request, slug: str, decision_number: int):
    _ctx, decision = access_decision(request.user, slug, decision_number)
    return _decision_out(decision)


@router.post(
    BASE + "/decisions/{decision_number}/supersede", response={201: DecisionOut, **WRITE_ERRORS}
)
def decision_supersede(request, slug: str, decision_number: int, payload: DecisionIn):
    """Record a new decision that replaces decision ``decision_number`` (409 if it is already
    superseded)."""
    ctx, old = access_decision(request.user, slug, decision_number, write=True)
    return Status(201, _decision_out(_record(ctx, payload, supersedes=old)))


# Action items --------------------------------------------------------------------------------


def _action_out(a: ActionItem) -> dict:
    fields = ["id", "title", "owner", "due", "status", "meeting_id", "reminded_at"]
    fields += ["completed_at", "version"]
    return {f: getattr(a, f) for f in fields} | {
        "overdue": a.is_overdue(timezone.localdate()),
        "decision_number": a.decision.number if a.decision_id else None,
    }


@router.get(BASE + "/action-items", response={200: list[ActionOut], **COMMON_ERRORS})
def action_list(
    request,
    slug: str,
    status: str = Query("open", pattern="^(open|done|cancelled|overdue|all)$"),
    owner_id: int | None = None,
):
    ctx = access_workspace(request.user, slug)
    owner = User.objects.filter(pk=owner_id).first() if owner_id else None
    if owner_id and owner is None:
        return []
    return [
        _action_out(a) for a in selectors.actions_list(ctx.workspace, status=status, owner=owner)
    ]


@router.post(BASE + "/action-items", response={201: ActionOut, **WRITE_ERRORS})
def action_create(request, response: HttpResponse, slug: str, payload: ActionIn):
    """The owner is told at once and reminded on the due date's morning."""
    ctx = access_workspace(request.user, slug, write=True)
    action = records.action_create(
        ctx=ctx,
        title=payload.title,
        owner=_users(ctx, [payload.owner_id], "owner_id")[0],
        due=payload.due,
        meeting=linking.meeting_from(ctx, payload.meeting_id),
        decision=linking.decision_from(ctx, payload.decision_number, "decision_number"),
    )
    response["ETag"] = action.etag
    return Status(201, _action_out(action))


@router.get(BASE + "/action-items/{action_id}", response={200: ActionOut, **COMMON_ERRORS})
def action_detail(request, response: HttpResponse, slug: str, action_id: int):
    _ctx, action = access_action(request.user, slug, action_id)
    response["ETag"] = action.etag
    return _action_out(action)


@router.patch(BASE + "/action-items/{action_id}", response={200: ActionOut, **WRITE_ERRORS})
def action_update(
    request,
    response: HttpResponse,
    slug: str,
    action_id: int,
    payload: ActionPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, action = access_action(request.user, slug, action_id, write=True)
    version = version_from_if_match(if_match, pk=action.pk)
    data = payload.dict(exclude_unset=True)
    for name in ("title", "due", "status", "owner_id"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    if "owner_id" in data:
        data["owner"] = _users(ctx, [data.pop("owner_id")], "owner_id")[0]
    records.action_update(ctx=ctx, action=action, expected_version=version, **data)
    response["ETag"] = action.etag
    return _action_out(action)


# Calendar ------------------------------------------------------------------------------------


@router.post("/calendar-feed", response={201: CalendarFeedOut, **COMMON_ERRORS})
def calendar_feed_regenerate(request):
    """A new secret address of your calendar feed (the old one stops working); shown once."""
    raw = calendar.feed_regenerate(user=request.user)
    return Status(201, {"url": calendar.feed_url(raw)})
