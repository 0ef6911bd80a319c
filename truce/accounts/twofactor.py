"""Two-step sign-in (ASVS 2.3.x / 4.3.1 level 2): a code from an authenticator app after the
password, or one of ten single-use recovery codes.

Setting it up: the page shows a new key (QR code and text) kept in the session until the
person confirms it with their password and a code from the app; then the key is saved and the
recovery codes are shown once. Signing in: the password step remembers who passed it (for
five minutes) instead of signing in, and the code step signs in. Every change is audited and
mailed to the account's owner; wrong codes are counted like wrong passwords, and after
``CODE_FAILURE_LIMIT`` of them within the sign-in cool-off the code step refuses to try more.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts import reauth, totp
from truce.accounts.models import (
    AuditAction,
    AuditEvent,
    Outcome,
    RecoveryCode,
    User,
)
from truce.core.errors import ValidationFailed

PENDING_SECRET = "truce_totp_setup"  # session: the key being set up
PENDING_USER = "truce_2fa_user"  # session: who passed the password step …
PENDING_AT = "truce_2fa_at"  # … when (epoch seconds)
PENDING_BACKEND = "truce_2fa_backend"
PENDING_NEXT = "truce_2fa_next"  # … and where to go once signed in
PENDING_SECONDS = 300
CODE_FAILURE_LIMIT = 10
ISSUER = "Truce"
SECOND_FACTOR = "second_factor"  # audit data: reason of a failed sign-in at the code step
CODE_REUSED = "two_factor.code_reused"  # security notice: a code was tried a second time


@dataclass(frozen=True)
class Setup:
    secret: str
    uri: str
    grouped: str


def setup_for(request, user) -> Setup:
    """The key being set up in this session (a new one the first time)."""
    secret = request.session.get(PENDING_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = totp.new_secret()
        request.session[PENDING_SECRET] = secret
    uri = totp.provisioning_uri(secret, user.username, ISSUER)
    return Setup(secret=secret, uri=uri, grouped=totp.grouped(secret))


def _bad_code(field: str = "code") -> ValidationFailed:
    return ValidationFailed(
        fields={field: [_("That code is not right. Enter the 6 digits your app shows now.")]}
    )


def enable(*, request, user, password: str, code: str) -> list[str]:
    """Turn two-step sign-in on with the key shown in this session; returns the recovery
    codes (shown once)."""
    from truce.accounts.services import _notify, audit

    if user.two_factor:
        raise ValidationFailed(_("Two-step sign-in is already on."))
    reauth.confirm(request, user, password, purpose="two_factor", field="password")
    secret = request.session.get(PENDING_SECRET)
    step = totp.matching_step(secret or "", code, time.time())
    if step is None:
        raise _bad_code()
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, totp_enabled_at__isnull=True).update(
            totp_secret=secret, totp_enabled_at=timezone.now(), totp_last_step=step
        )
        if not changed:
            raise ValidationFailed(_("Two-step sign-in is already on."))
        codes = _new_codes(user)
        audit(action=AuditAction.TWO_FACTOR_ENABLED, actor=user, target=user)
        _notify(user.pk, AuditAction.TWO_FACTOR_ENABLED)
    request.session.pop(PENDING_SECRET, None)
    user.refresh_from_db(fields=["totp_secret", "totp_enabled_at", "totp_last_step"])
    return codes


def _new_codes(user) -> list[str]:
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    return codes


def check_code(user, code: str) -> str:
    """Accept ``code`` once: "totp" for an app code, "recovery" for a recovery code (then used
    up), "reused" for an app code already accepted once, "" when it is wrong. Safe against two
    requests racing with one code: each acceptance is a conditional update that only one of
    them can make (the other sees "reused")."""
    if not user.two_factor:
        return ""
    step = totp.matching_step(user.totp_secret, code, time.time())
    if step is not None:
        taken = User.objects.filter(pk=user.pk, totp_last_step__lt=step).update(totp_last_step=step)
        if taken:
            user.totp_last_step = step
            return "totp"
        return "reused"
    if totp.is_recovery_code(code):
        unused = RecoveryCode.objects.filter(user=user, used_at__isnull=True)
        for row in unused.only("pk", "code_hash"):
            if totp.recovery_code_matches(code, row.code_hash):
                used = unused.filter(pk=row.pk).update(used_at=timezone.now())
                return "recovery" if used else ""
    return ""


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def confirm_code(user, code: str, *, field: str = "code") -> str:
    """Like ``check_code``, raising a field error (and counting the failure) when wrong or
    already used; a reused code is also mailed to the account's owner."""
    from truce.accounts.services import _notify, audit

    if code_paused(user):
        raise ValidationFailed(fields={field: [_("Too many wrong codes. Try again later.")]})
    kind = check_code(user, code)
    if kind in ("", "reused"):
        extra = {"reused": True} if kind == "reused" else {}
        audit(
            action=AuditAction.SIGN_IN_FAILED,
            outcome=Outcome.FAILURE,
            actor=user,
            target=user.username,
            reason=SECOND_FACTOR,
            **extra,
        )
        if kind == "reused":  # someone may have seen the code: tell its owner (ASVS 2.8.5)
            _notify(user.pk, CODE_REUSED)
        raise _bad_code(field)
    return kind


def regenerate_codes(*, request, user, code: str) -> list[str]:
    from truce.accounts.services import audit

    confirm_code(user, code)
    with transaction.atomic():
        codes = _new_codes(user)
        audit(action=AuditAction.RECOVERY_CODES_CREATED, actor=user, target=user)
    return codes


def disable(*, request, user, password: str, code: str) -> None:
    """Turn two-step sign-in off: needs the password and a code (app or recovery)."""
    if not user.two_factor:
        raise ValidationFailed(_("Two-step sign-in is already off."))
    reauth.confirm(request, user, password, purpose="two_factor", field="password")
    confirm_code(user, code)
    reset(user)


def reset(user, *, by_admin: bool = False) -> None:
    """Turn it off (after ``disable``'s checks, or by an administrator's command)."""
    from truce.accounts.services import _notify, audit

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(totp_secret="", totp_enabled_at=None)
        RecoveryCode.objects.filter(user=user).delete()
        extra = {"by": "administrator"} if by_admin else {}
        audit(action=AuditAction.TWO_FACTOR_DISABLED, actor=user, target=user, **extra)
        _notify(user.pk, AuditAction.TWO_FACTOR_DISABLED)
    user.refresh_from_db(fields=["totp_secret", "totp_enabled_at"])


def code_paused(user) -> bool:
    """Whether the code step refuses more tries: ``CODE_FAILURE_LIMIT`` wrong codes within
    the sign-in cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failed = AuditEvent.objects.filter(
        actor=user,
        action=AuditAction.SIGN_IN_FAILED,
        created_at__gte=since,
        data__reason=SECOND_FACTOR,
    )
    return failed[:CODE_FAILURE_LIMIT].count() >= CODE_FAILURE_LIMIT


# The sign-in's second step ---------------------------------------------------------------------


def remember_password_step(request, user, next_url: str) -> None:
    """The password was right and the account has two-step sign-in: remember who, not signed
    in yet. A new session key, so a key planted before cannot follow the person in."""
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_AT] = int(time.time())
    request.session[PENDING_BACKEND] = getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0])
    request.session[PENDING_NEXT] = next_url


def pending_user(request):
    """Who passed the password step in this session, within the last five minutes."""
    session = request.session
    pk, at = session.get(PENDING_USER), session.get(PENDING_AT)
    if not isinstance(pk, int) or not isinstance(at, int):
        return None
    if time.time() - at > PENDING_SECONDS:
        forget_password_step(request)
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    return user if user is not None and user.two_factor else None


def forget_password_step(request) -> tuple[str, str]:
    """Clear the remembered password step; returns its backend and where to go next."""
    session = request.session
    backend = session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[0]
    next_url = session.get(PENDING_NEXT) or settings.LOGIN_REDIRECT_URL
    for key in (PENDING_USER, PENDING_AT, PENDING_BACKEND, PENDING_NEXT):
        session.pop(key, None)
    return backend, next_url
