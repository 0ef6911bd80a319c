"""Where a person is signed in: one ``BrowserSession`` row per signed-in browser session, so
they can see their sessions and end any other one (OWASP ASVS 3.3.4 and 7.4.x).

A row is made when the session signs in (``user_logged_in``) and removed when it signs out,
expires (the middleware signs it out) or is ended from another session. The session itself
carries the row's id; the middleware writes the last-active time at most once a minute (with
the session's own last-seen time) and follows the session key whenever Django changes it
(a password change keeps the session but gives it a new key).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.client import client_ip, client_user_agent
from truce.accounts.devices import device_label
from truce.accounts.models import AuditAction, BrowserSession
from truce.accounts.signals import SIGNED_IN_AT
from truce.core.errors import Conflict, NotFound

RECORD = "truce_browser_session"  # session data: the BrowserSession row's id
RECORDED_KEY = "truce_session_key"  # session data: the session key that row holds


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def record_sign_in(request, user) -> BrowserSession | None:
    """Make the row for the session ``request`` has just signed in with (and drop the user's
    rows of sessions that can no longer be live)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
    now = timezone.now()
    BrowserSession.objects.filter(user=user).exclude(pk__in=_live(user, now)).delete()
    row = BrowserSession.objects.create(
        user=user,
        session_key=session.session_key,
        created_at=now,
        last_seen_at=now,
        ip_address=client_ip(request) or None,
        user_agent=client_user_agent(request),
    )
    session[RECORD] = row.pk
    session[RECORDED_KEY] = session.session_key
    return row


def touch(request, now: datetime) -> None:
    """The session was used: its row's last-active time, address and key follow."""
    session = request.session
    pk = session.get(RECORD)
    if not isinstance(pk, int) or not session.session_key:
        # signed in before sessions were listed: listed from now on
        if session.session_key:
            _adopt(request, now)
        return
    BrowserSession.objects.filter(pk=pk, user_id=request.user.pk).update(
        last_seen_at=now, ip_address=client_ip(request) or None, session_key=session.session_key
    )
    session[RECORDED_KEY] = session.session_key


def _adopt(request, now: datetime) -> None:
    session = request.session
    signed_in = session.get(SIGNED_IN_AT)
    started = datetime.fromtimestamp(signed_in, tz=UTC) if isinstance(signed_in, int) else now
    row, _created = BrowserSession.objects.get_or_create(
        session_key=session.session_key,
        defaults={
            "user": request.user,
            "created_at": started,
            "last_seen_at": now,
            "ip_address": client_ip(request) or None,
            "user_agent": client_user_agent(request),
        },
    )
    if row.user_id == request.user.pk:
        session[RECORD] = row.pk
        session[RECORDED_KEY] = session.session_key


def follow_key(request) -> None:
    """After a response: if Django gave the session a new key (``update_session_auth_hash``,
    ``cycle_key``), the row follows, so the session can still be found and ended."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return
    pk = session.get(RECORD)
    key = session.session_key
    if isinstance(pk, int) and key and session.get(RECORDED_KEY) != key:
        BrowserSession.objects.filter(pk=pk, user_id=user.pk).update(session_key=key)
        session[RECORDED_KEY] = key


def forget(request) -> None:
    """The session signed out or expired: its row goes."""
    session = getattr(request, "session", None)
    pk = session.get(RECORD) if session is not None else None
    if isinstance(pk, int):
        BrowserSession.objects.filter(pk=pk).delete()


def current_id(request) -> int | None:
    session = getattr(request, "session", None)
    pk = session.get(RECORD) if session is not None else None
    return pk if isinstance(pk, int) else None


def _live(user, now: datetime):
    """Ids of the user's rows whose session may still be live: signed in within the maximum
    session length, used within the idle limit (plus the minute the last-active time may lag)
    and, with database sessions, still stored."""
    rows = BrowserSession.objects.filter(
        user=user,
        created_at__gt=now - timedelta(seconds=settings.SESSION_MAX_AGE_SECONDS),
        last_seen_at__gt=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS + 60),
    )
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        stored = Session.objects.filter(expire_date__gt=now).values("session_key")
        rows = rows.filter(session_key__in=stored)
    return rows.values("pk")


def live_sessions(user) -> list[BrowserSession]:
    """The user's live sessions, most recently active first (one query)."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    return list(BrowserSession.objects.filter(pk__in=_live(user, now)))


def access_session(user, session_id: int) -> BrowserSession:
    """One of the user's own live sessions, or NotFound (sessions are personal)."""
    found = None
    if user.is_authenticated:
        found = BrowserSession.objects.filter(
            pk__in=_live(user, timezone.now()), pk=session_id
        ).first()
    if found is None:
        raise NotFound()
    return found


def session_end(*, user, row: BrowserSession, request=None) -> None:
    """Sign ``row``'s browser out: its server-side session and the row are deleted, and it is
    on record. The session making the request cannot end itself this way (sign out)."""
    from truce.accounts.services import audit

    if row.pk == current_id(request):
        raise Conflict(_("This is the session you are using: sign out instead."))
    with transaction.atomic():
        deleted, _rows = BrowserSession.objects.filter(pk=row.pk, user=user).delete()
        if deleted:
            audit(
                action=AuditAction.SESSION_ENDED,
                actor=user,
                target=user,
                device=device_label(row.user_agent),
                address=row.ip_address or "",
            )
    if deleted:
        _store(row.session_key).delete()


def end_others(*, user, request=None) -> int:
    """Delete every session of ``user`` but the one ``request`` is served in (after signing out
    elsewhere, or a password change or reset, which have already made them invalid)."""
    keep = current_id(request) if getattr(request, "user", None) == user else None
    rows = BrowserSession.objects.filter(user=user)
    if keep is not None:
        rows = rows.exclude(pk=keep)
    keys = list(rows.values_list("session_key", flat=True))
    rows.delete()
    for key in keys:
        _store(key).delete()
    return len(keys)


def end_all(*, user) -> int:
    """Delete every browser session of ``user`` (the account is being closed)."""
    rows = BrowserSession.objects.filter(user=user)
    keys = list(rows.values_list("session_key", flat=True))
    rows.delete()
    for key in keys:
        _store(key).delete()
    return len(keys)
