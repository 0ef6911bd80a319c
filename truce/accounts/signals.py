"""Sign-in, sign-out and failed sign-ins go to the audit log (connected in apps.py).

Django sends these signals from every way of signing in (the sign-in page, joining by
invitation, tests' ``force_login``). django-axes handles ``user_login_failed`` before us (its
app is installed first) and marks the request ``axes_locked_out`` when the attempt locked the
account or was refused because it is locked; that attempt is recorded as a lockout.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone

from truce.accounts.models import AuditAction, Outcome

SIGNED_IN_AT = "truce_signed_in_at"  # session key: when this session signed in (epoch seconds)
SEEN_AT = "truce_seen_at"  # session key: the last request of this session (epoch seconds)


def _signed_in(sender, request, user, **kwargs):
    from truce.accounts.services import audit
    from truce.accounts.sessions import record_sign_in

    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = now
        record_sign_in(request, user)
    audit(action=AuditAction.SIGNED_IN, actor=user, target=user, request=request)


def _signed_out(sender, request, user, **kwargs):
    from truce.accounts.services import audit
    from truce.accounts.sessions import forget

    forget(request)
    if user is not None and user.is_authenticated:
        reason = getattr(request, "truce_session_expired", "")
        action = AuditAction.SESSION_EXPIRED if reason else AuditAction.SIGNED_OUT
        extra = {"reason": reason} if reason else {}
        audit(action=action, actor=user, target=user, request=request, **extra)


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    from truce.accounts.services import audit

    username = str(credentials.get("username") or "")[:150]
    account = get_user_model().objects.filter(username=username).first() if username else None
    locked = bool(getattr(request, "axes_locked_out", False))
    audit(
        action=AuditAction.LOCKED_OUT if locked else AuditAction.SIGN_IN_FAILED,
        outcome=Outcome.FAILURE,
        actor=account,
        target=username,
        request=request,
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="truce.accounts.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="truce.accounts.signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="truce.accounts.sign_in_failed")
