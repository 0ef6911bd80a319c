"""Personal iCal feeds: a secret URL per user listing their meetings and due action items.

Only a hash of the token is stored; regenerating replaces it, so the old URL stops working.
What goes into the feed comes from a registry, so later apps add their dates (launch
milestones, issue 9) in their ``AppConfig.ready`` ::

    from truce.domain import ical
    from truce.meetings import calendar

    def milestones(user, start, end):
        return [
            ical.Event(uid=f"milestone-{m.pk}@{calendar.uid_host()}", summary=m.title,
                       start=m.date, url=calendar.absolute(m.url))
            for m in Milestone.objects.filter(
                launch__workspace__memberships__user=user, date__range=(start, end))
        ]

    calendar.register("milestones", milestones)

A source gets the feed's owner and a date window and returns ``ical.Event``/``ical.Todo``
entries with stable UIDs; it must only list what the user may see (workspaces they are a
member of).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import hash_secret
from truce.domain import ical
from truce.meetings.models import ActionItem, ActionStatus, Attendance, CalendarFeed, Meeting

PAST_DAYS, FUTURE_DAYS = 60, 180

_SOURCES: dict[str, Callable] = {}


def register(key: str, source: Callable) -> None:
    _SOURCES[key] = source


def uid_host() -> str:
    return urlsplit(settings.BASE_URL).hostname or "truce"


def absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


# Tokens --------------------------------------------------------------------------------------


@transaction.atomic
def feed_regenerate(*, user) -> str:
    """A new secret for ``user``'s feed; returns the raw token (shown once)."""
    raw = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": hash_secret(raw)})
    return raw


def feed_owner(raw: str):
    """The user whose feed has this token, or None."""
    if not raw or len(raw) > 100:
        return None
    feed = CalendarFeed.objects.filter(token_hash=hash_secret(raw)).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def feed_url(raw: str) -> str:
    return absolute(reverse("meetings:feed", args=[raw]))


# Entries -------------------------------------------------------------------------------------


def meetings_attended(user, start: date, end: date) -> list[ical.Event]:
    rows = (
        Attendance.objects.filter(
            user=user,
            meeting__date__range=(start, end),
            meeting__workspace__memberships__user=user,
        )
        .select_related("meeting__series", "meeting__workspace")
        .prefetch_related("meeting__agenda_items")
        .order_by("meeting__starts_at")
    )
    out = []
    for row in rows:
        m: Meeting = row.meeting
        agenda = "\n".join(f"- {i.text}" for i in list(m.agenda_items.all())[:20])
        out.append(
            ical.Event(
                uid=f"meeting-{m.pk}@{uid_host()}",
                summary=m.series.title,
                start=m.starts_at,
                end=m.ends_at,
                description=f"{m.workspace.name}\n{agenda}".strip(),
                location=m.series.location,
                url=absolute(reverse("meetings:meeting", args=[m.workspace.slug, m.pk])),
                status="CONFIRMED",
            )
        )
    return out


def actions_due(user, start: date, end: date) -> list[ical.Event]:
    """Open action items as all-day events on their due date (calendar apps show events far
    more reliably than VTODOs)."""
    found = ActionItem.objects.filter(
        owner=user,
        status=ActionStatus.OPEN,
        due__range=(start, end),
        workspace__memberships__user=user,
    ).select_related("workspace")
    return [
        ical.Event(
            uid=f"action-{a.pk}@{uid_host()}",
            summary=_("Due: %(title)s") % {"title": a.title},
            start=a.due,
            description=a.workspace.name,
            url=absolute(reverse("meetings:action", args=[a.workspace.slug, a.pk])),
        )
        for a in found
    ]


register("meetings", meetings_attended)
register("actions", actions_due)


def feed_document(user, today: date | None = None) -> str:
    """The user's whole calendar, meetings first, then every registered source."""
    from truce.meetings.services import ensure_upcoming

    today = today or timezone.localdate()
    for membership in user.memberships.select_related("workspace"):
        ensure_upcoming(membership.workspace, today)
    start, end = today - timedelta(days=PAST_DAYS), today + timedelta(days=FUTURE_DAYS)
    entries = [entry for source in _SOURCES.values() for entry in source(user, start, end)]
    return ical.calendar(entries, name=f"Truce · {user.name}", now=timezone.now())
