"""Re-authentication before sensitive account changes (OWASP ASVS 3.7.1).

Creating an API token or changing the email address (the way to reset the password) needs
either a sign-in or a password confirmation within the last ``REAUTH_SECONDS`` in this browser
session, or the current password with the request. A request authenticated by an API token
has no such session, so it always sends the password. Wrong passwords are counted per user;
after ``AXES_FAILURE_LIMIT`` of them within the cool-off time every confirmation is refused,
even a right one, so a stolen session or token cannot be used to guess the password. The count
lives in the default cache: set ``TRUCE_REDIS_URL`` so that several web processes share it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import AuditAction, Outcome
from truce.accounts.signals import SIGNED_IN_AT
from truce.core.errors import ValidationFailed

CONFIRMED_AT = "truce_reauth_at"  # session key: last password confirmation (epoch seconds)


def _failures_key(user) -> str:
    """Per user and password: setting a new password (by reset link) starts a fresh count."""
    digest = hashlib.sha256(f"{user.pk}:{user.password}".encode()).hexdigest()[:32]
    return f"truce:reauth-failures:{digest}"


def _now() -> int:
    return int(timezone.now().timestamp())


def _session_user_is(request, user) -> bool:
    session = getattr(request, "session", None)
    return session is not None and str(session.get("_auth_user_id")) == str(user.pk)


def is_recent(request, user) -> bool:
    """Signed in or confirmed the password in this browser session within the window."""
    if not _session_user_is(request, user):
        return False
    stamps = [request.session.get(SIGNED_IN_AT), request.session.get(CONFIRMED_AT)]
    latest = max((s for s in stamps if isinstance(s, int)), default=None)
    return latest is not None and _now() - latest <= settings.REAUTH_SECONDS


def is_locked(user) -> bool:
    return (cache.get(_failures_key(user)) or 0) >= settings.AXES_FAILURE_LIMIT


def record_failure(request, user, *, purpose: str) -> None:
    from truce.accounts.services import audit

    key = _failures_key(user)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
    audit(
        action=AuditAction.REAUTH_FAILED,
        outcome=Outcome.FAILURE,
        actor=user,
        target=user,
        request=request,
        purpose=purpose,
    )


def record_success(request, user) -> None:
    cache.delete(_failures_key(user))
    if _session_user_is(request, user):
        request.session[CONFIRMED_AT] = _now()


def confirm(request, user, password: str | None, *, purpose: str, field: str = "password"):
    """Return when the change may go ahead; otherwise raise ``ValidationFailed`` on ``field``."""
    if is_locked(user):
        raise ValidationFailed(fields={field: [_("Too many wrong passwords. Try again later.")]})
    if not password:
        if is_recent(request, user):
            return
        raise ValidationFailed(
            fields={field: [_("Enter your current password to confirm this change.")]}
        )
    if not user.check_password(password):
        record_failure(request, user, purpose=purpose)
        raise ValidationFailed(fields={field: [_("Your password was entered incorrectly.")]})
    record_success(request, user)
