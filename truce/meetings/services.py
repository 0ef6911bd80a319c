"""Writes to sync meetings: series, the meetings they generate, agendas, minutes, attendance.

Decisions and action items, what a meeting leaves behind, are in ``records.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import Membership, Role
from truce.core import events
from truce.core.access import WorkspaceAccess
from truce.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    validation_from_django,
)
from truce.core.markdown import render_markdown
from truce.domain import agenda as domain_agenda
from truce.domain import recurrence
from truce.meetings import agenda
from truce.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Presence,
)

HORIZON_DAYS = 42  # meetings exist this far ahead, so calendars and the list show them
SERIES_FIELDS = [
    "title",
    "description",
    "cadence",
    "weekday",
    "start_time",
    "duration_minutes",
    "timezone",
    "starts_on",
    "until",
    "location",
]


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _rule(series: MeetingSeries) -> recurrence.Rule:
    return recurrence.Rule(series.cadence, series.weekday, series.starts_on, series.until)


EARLIEST, LATEST = date(1970, 1, 1), date(9000, 12, 31)


def _check_series(series: MeetingSeries) -> None:
    if getattr(series.start_time, "tzinfo", None) is not None:
        raise ValidationFailed(
            fields={"start_time": [_("Give the wall-clock time; the series has its time zone.")]}
        )
    for name in ("starts_on", "until"):
        value = getattr(series, name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationFailed(fields={name: [_("Choose a date between 1970 and 9000.")]})
    if not recurrence.valid_timezone(series.timezone):
        raise ValidationFailed(fields={"timezone": [_("Choose a time zone like Asia/Shanghai.")]})
    if series.until is not None and series.until < series.starts_on:
        raise ValidationFailed(fields={"until": [_("The last day must not be before the first.")]})


def _members(workspace, users) -> list:
    users = list(dict.fromkeys(users))
    member_ids = set(
        Membership.objects.filter(workspace=workspace, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    if any(u.pk not in member_ids for u in users):
        raise ValidationFailed(
            fields={"attendees": [_("Attendees must be members of this workspace.")]}
        )
    if not users:
        raise ValidationFailed(fields={"attendees": [_("Invite at least one attendee.")]})
    return users


# Series --------------------------------------------------------------------------------------


@transaction.atomic
def series_create(*, ctx: WorkspaceAccess, attendees, today: date | None = None, **fields):
    """A new series and its meetings for the next weeks."""
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationFailed(fields={k: [_("Unknown field.")] for k in unknown})
    series = MeetingSeries(workspace=ctx.workspace, created_by=ctx.membership.user, **fields)
    series.title = series.title.strip()
    _clean(series)
    _check_series(series)
    people = _members(ctx.workspace, attendees)
    series.save()
    series.attendees.set(people)
    meetings_generate(series=series, start=today or timezone.localdate())
    return series


@transaction.atomic
def series_update(
    *,
    ctx: WorkspaceAccess,
    series: MeetingSeries,
    expected_version: int | None,
    attendees=None,
    today: date | None = None,
    **fields,
) -> MeetingSeries:
    """Change a series; its meetings still to come follow (those already started or carrying
    minutes or decisions stay as they were)."""
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    for name, value in fields.items():
        setattr(series, name, value.strip() if name == "title" else value)
    _clean(series)
    _check_series(series)
    people = _members(ctx.workspace, attendees) if attendees is not None else None
    series.save_versioned(expected_version=expected_version, update_fields=list(fields))
    if people is not None:
        series.attendees.set(people)
    _resync_upcoming(series, today or timezone.localdate())
    return series


def _resync_upcoming(series: MeetingSeries, today: date) -> None:
    rule = _rule(series)
    upcoming = list(
        Meeting.objects.filter(series=series, status=MeetingStatus.SCHEDULED, date__gte=today)
    )
    attendee_ids = set(series.attendees.values_list("pk", flat=True))
    for meeting in upcoming:
        if not recurrence.is_occurrence(rule, meeting.date) and not _has_records(meeting):
            meeting.delete()
            continue
        meeting.starts_at, meeting.ends_at = _window(series, meeting.date)
        meeting.save_versioned(expected_version=None, update_fields=["starts_at", "ends_at"])
        _sync_attendance(meeting, attendee_ids)
    meetings_generate(series=series, start=today)


def _has_records(meeting: Meeting) -> bool:
    return bool(meeting.minutes) or meeting.decisions.exists() or meeting.action_items.exists()


def _sync_attendance(meeting: Meeting, attendee_ids: set[int]) -> None:
    current = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.filter(
        meeting=meeting, user_id__in=current - attendee_ids, presence=Presence.UNKNOWN
    ).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=uid) for uid in attendee_ids - current]
    )


def _window(series: MeetingSeries, day: date):
    return recurrence.window(day, series.start_time, series.duration_minutes, series.timezone)


# Meetings ------------------------------------------------------------------------------------


def meetings_generate(
    *, series: MeetingSeries, start: date, end: date | None = None
) -> list[Meeting]:
    """Create the series' meetings from ``start`` to ``end`` (default: the horizon) that do not
    exist yet, with attendance rows and a first agenda. Idempotent."""
    end = end or start + timedelta(days=HORIZON_DAYS)
    dates = recurrence.occurrences(_rule(series), start, end)
    existing = set(
        Meeting.objects.filter(series=series, date__in=dates).values_list("date", flat=True)
    )
    attendee_ids = list(series.attendees.values_list("pk", flat=True))
    created = []
    for day in dates:
        if day in existing:
            continue
        begins, ends = _window(series, day)
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    workspace_id=series.workspace_id,
                    series=series,
                    date=day,
                    starts_at=begins,
                    ends_at=ends,
                )
        except IntegrityError:  # created concurrently: the other writer's row stands
            continue
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, user_id=uid) for uid in attendee_ids]
        )
        created.append(meeting)
    return created


def ensure_upcoming(workspace, today: date | None = None) -> int:
    """Generate every series' meetings up to the horizon; cheap when nothing is missing."""
    today = today or timezone.localdate()
    series_list = list(
        MeetingSeries.objects.filter(workspace=workspace).filter(
            Q(until__isnull=True) | Q(until__gte=today)
        )
    )
    if not series_list:
        return 0
    end = today + timedelta(days=HORIZON_DAYS)
    have = set(
        Meeting.objects.filter(series__in=series_list, date__gte=today, date__lte=end).values_list(
            "series_id", "date"
        )
    )
    made = 0
    for series in series_list:
        wanted = recurrence.occurrences(_rule(series), today, end)
        if any((series.pk, d) not in have for d in wanted):
            made += len(meetings_generate(series=series, start=today, end=end))
    return made


def can_run(ctx: WorkspaceAccess, meeting: Meeting, attendance=None) -> bool:
    """Attendees run their meeting (agenda, minutes, attendance, start and finish); admins
    and leads may step in. ``attendance`` spares a query when the caller has the rows."""
    if not ctx.can_write:
        return False
    if ctx.role in (Role.ADMIN, Role.LEAD):
        return True
    user_id = ctx.membership.user_id
    if attendance is not None:
        return any(a.user_id == user_id for a in attendance)
    return Attendance.objects.filter(meeting=meeting, user_id=user_id).exists()


def _check_runs(ctx: WorkspaceAccess, meeting: Meeting) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    if not can_run(ctx, meeting):
        raise PermissionDenied(_("Only the meeting's attendees can change it."))


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:meeting", args=[meeting.workspace.slug, meeting.pk])


def _lock_status(meeting: Meeting) -> None:
    """Lock the meeting's row and read its status again: two people pressing start (or
    finish) at once are checked one after the other, so only one of them goes through."""
    fresh = Meeting.objects.select_for_update().only("status", "version").get(pk=meeting.pk)
    meeting.status, meeting.version = fresh.status, fresh.version


@transaction.atomic
def meeting_start(*, ctx: WorkspaceAccess, meeting: Meeting) -> Meeting:
    """Scheduled → in progress. The agenda is generated one last time and then frozen, so
    the minutes refer to what was actually on the table."""
    _check_runs(ctx, meeting)
    _lock_status(meeting)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(_("This meeting has already started."))
    agenda_generate(meeting)
    meeting.status, meeting.started_at = MeetingStatus.IN_PROGRESS, timezone.now()
    meeting.save_versioned(expected_version=None, update_fields=["status", "started_at"])
    return meeting


@transaction.atomic
def meeting_finish(*, ctx: WorkspaceAccess, meeting: Meeting) -> Meeting:
    """In progress → done; the series' next meetings are made sure to exist."""
    _check_runs(ctx, meeting)
    _lock_status(meeting)
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise Conflict(_("Only a meeting in progress can be finished."))
    meeting.status, meeting.finished_at = MeetingStatus.DONE, timezone.now()
    meeting.save_versioned(expected_version=None, update_fields=["status", "finished_at"])
    events.emit(
        workspace=ctx.workspace,
        kind="meeting.finished",
        actor=ctx.membership.user,
        subject=meeting,
        title=str(meeting),
        url=_meeting_url(meeting),
        data={
            "meeting_id": meeting.pk,
            "decisions": list(meeting.decisions.values_list("number", flat=True)),
            "recipients": list(meeting.attendance.values_list("user_id", flat=True)),
        },
    )
    meetings_generate(series=meeting.series, start=timezone.localdate())
    return meeting


@transaction.atomic
def minutes_update(
    *, ctx: WorkspaceAccess, meeting: Meeting, minutes: str, expected_version: int | None
) -> Meeting:
    _check_runs(ctx, meeting)
    meeting.minutes = minutes.strip()
    meeting.minutes_html = render_markdown(meeting.minutes)
    meeting.save_versioned(
        expected_version=expected_version, update_fields=["minutes", "minutes_html"]
    )
    return meeting


@transaction.atomic
def attendance_set(*, ctx: WorkspaceAccess, meeting: Meeting, presence: dict[int, str]) -> None:
    """Record present / absent / late for attendees of the meeting (user id -> presence)."""
    _check_runs(ctx, meeting)
    bad = [str(uid) for uid, value in presence.items() if value not in Presence.values]
    if bad:
        raise ValidationFailed(
            fields={"presence": [_("Choose present, absent or late.")]},
        )
    rows = {a.user_id: a for a in Attendance.objects.filter(meeting=meeting)}
    strangers = set(presence) - set(rows)
    if strangers:
        raise ValidationFailed(fields={"user_id": [_("This person is not an attendee.")]})
    changed = []
    for uid, value in presence.items():
        if rows[uid].presence != value:
            rows[uid].presence = value
            changed.append(rows[uid])
    Attendance.objects.bulk_update(changed, ["presence"])


# Agenda --------------------------------------------------------------------------------------


def agenda_refresh(*, ctx: WorkspaceAccess, meeting: Meeting) -> list[AgendaItem]:
    """An attendee asks for the agenda to be generated again from live data."""
    _check_runs(ctx, meeting)
    return agenda_generate(meeting)


def agenda_generate(meeting: Meeting) -> list[AgendaItem]:
    """Merge what the sources say now into the agenda (truce/domain/agenda.py keeps the places
    people arranged and the items they added). Refused once the meeting has started. Also run
    when a scheduled meeting is first shown, so its agenda is never empty for lack of a click."""
    if meeting.agenda_frozen:
        raise Conflict(_("The agenda is frozen once the meeting has started."))
    with transaction.atomic():
        items = list(AgendaItem.objects.filter(meeting=meeting))
        placed = [domain_agenda.Placed(i.pk, i.source, i.key, i.position) for i in items]
        plan = domain_agenda.merge(placed, agenda.generate(meeting.workspace, meeting.date))
        AgendaItem.objects.filter(pk__in=plan.drop).delete()
        by_id = {i.pk: i for i in items}
        fresh, changed = [], []
        for position, (what, ref, entry) in enumerate(plan.order):
            if what == "keep":
                item = by_id[ref]
                item.position = position
                if entry is not None:
                    _fill(item, entry)
                changed.append(item)
            else:
                fresh.append(AgendaItem(meeting=meeting, position=position, source=ref))
                _fill(fresh[-1], entry)
        AgendaItem.objects.bulk_update(changed, ["position", "text", "link", "side", "severity"])
        AgendaItem.objects.bulk_create(fresh)
        meeting.agenda_refreshed_at = timezone.now()
        Meeting.objects.filter(pk=meeting.pk).update(
            agenda_refreshed_at=meeting.agenda_refreshed_at
        )
    return list(AgendaItem.objects.filter(meeting=meeting))


def _fill(item: AgendaItem, entry: domain_agenda.Entry) -> None:
    item.key, item.text, item.link = entry.key, entry.text[:500], entry.link[:500]
    item.side, item.severity = entry.side, entry.severity


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.DONE:
        raise Conflict(_("The meeting is over; its agenda stays as it was."))


@transaction.atomic
def agenda_item_add(
    *, ctx: WorkspaceAccess, meeting: Meeting, text: str, link: str = ""
) -> AgendaItem:
    _check_runs(ctx, meeting)
    _check_agenda_open(meeting)
    top = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"]
    item = AgendaItem(
        meeting=meeting,
        position=(top if top is not None else -1) + 1,
        source=AgendaItem.MANUAL,
        text=text.strip(),
        link=link.strip(),
        added_by=ctx.membership.user,
    )
    if link.strip() and not link.strip().startswith(("/", "https://", "http://")):
        raise ValidationFailed(fields={"link": [_("Give a link starting with / or https://.")]})
    _clean(item, exclude=["meeting", "added_by"])
    item.save()
    return item


@transaction.atomic
def agenda_item_remove(*, ctx: WorkspaceAccess, meeting: Meeting, item: AgendaItem) -> None:
    """Items added by hand may be taken off again; generated ones leave when resolved."""
    _check_runs(ctx, meeting)
    _check_agenda_open(meeting)
    if not item.manual:
        raise Conflict(_("Generated items leave the agenda when the matter is resolved."))
    item.delete()


@transaction.atomic
def agenda_reorder(*, ctx: WorkspaceAccess, meeting: Meeting, order: list[int]) -> None:
    """Put the listed items first, in that order; the rest keep their order after them."""
    _check_runs(ctx, meeting)
    _check_agenda_open(meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    try:
        new = domain_agenda.reorder([i.pk for i in items], order)
    except ValueError:
        raise ValidationFailed(
            fields={"order": [_("List each item of this agenda at most once.")]}
        ) from None
    _apply_order(items, new)


@transaction.atomic
def agenda_move(*, ctx: WorkspaceAccess, meeting: Meeting, item: AgendaItem, offset: int) -> None:
    _check_runs(ctx, meeting)
    _check_agenda_open(meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    _apply_order(items, domain_agenda.move([i.pk for i in items], item.pk, offset))


def _apply_order(items: list[AgendaItem], order: list[int]) -> None:
    by_id = {i.pk: i for i in items}
    for position, pk in enumerate(order):
        by_id[pk].position = position
    AgendaItem.objects.bulk_update(items, ["position"])
