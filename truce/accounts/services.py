"""Writes for accounts and workspaces. Each is atomic, keyword-only and takes the actor."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from truce.accounts import reauth, sessions
from truce.accounts.client import client_ip, client_user_agent, current_request
from truce.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    Invitation,
    Membership,
    Outcome,
    Role,
    Side,
    Workspace,
    hash_secret,
)
from truce.core.access import WorkspaceAccess
from truce.core.errors import Conflict, NotFound, ValidationFailed, validation_from_django

TOKEN_PREFIX = "truce_"
security_log = logging.getLogger("truce.security")


def audit(
    *,
    action: str,
    actor=None,
    workspace=None,
    target: str = "",
    ip=None,
    request=None,
    outcome: str = Outcome.SUCCESS,
    **data,
) -> AuditEvent:
    """Record a security-relevant action (append-only) and log it to ``truce.security``.

    The client's address and user agent come from ``request``, by default the request being
    served (``ip`` is for callers outside a request). ``data`` must not hold secrets:
    workspace events are shown to the workspace's admins, account events to their owner."""
    user_agent = ""
    request = request if request is not None else current_request()
    if request is not None:
        ip = client_ip(request) or ip
        user_agent = client_user_agent(request)
    event = AuditEvent.objects.create(
        action=action,
        outcome=outcome,
        actor=actor if getattr(actor, "pk", None) else None,
        workspace=workspace,
        target=str(target)[:200],
        data=data,
        ip_address=ip or None,
        user_agent=user_agent,
    )
    if action in NOTIFY and outcome == Outcome.SUCCESS and event.actor_id:
        _notify(event.actor_id, action, to=data.get("previous_email", ""))
    security_log.log(
        logging.INFO if outcome == Outcome.SUCCESS else logging.WARNING,
        "%s %s actor=%r target=%r workspace=%s ip=%s",
        action,
        outcome,
        getattr(actor, "username", None),
        event.target,
        getattr(workspace, "slug", None),
        event.ip_address,
    )
    return event


# Changes the account's owner is told about by email (see tasks.send_security_notice).
NOTIFY = {
    AuditAction.PASSWORD_CHANGED,
    AuditAction.PASSWORD_RESET,
    AuditAction.EMAIL_CHANGED,
    AuditAction.TOKEN_CREATED,
}


def _notify(user_id: int, action: str, *, to: str = "") -> None:
    from truce.accounts.tasks import send_security_notice

    transaction.on_commit(
        lambda: send_security_notice.enqueue(user_id=user_id, action=str(action), to=to)
    )


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:40] or "ws"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def workspace_create(
    *, actor, name: str, slug: str = "", description: str = "", side: str = Side.PRODUCT
) -> Workspace:
    """Create a workspace; its creator becomes its first admin."""
    if slug and Workspace.objects.filter(slug=slug).exists():
        raise ValidationFailed(fields={"slug": [_("This short name is already taken.")]})
    workspace = Workspace(
        name=name.strip(), slug=slug or _unique_slug(name), description=description
    )
    _clean(workspace)
    workspace.save()
    membership = Membership(workspace=workspace, user=actor, role=Role.ADMIN, side=side)
    _clean(membership)
    membership.save()
    actor.last_workspace = workspace
    actor.save(update_fields=["last_workspace"])
    from truce.requirements.scoring import scorecard_for

    scorecard_for(workspace)  # every workspace starts with the default two-lens scorecard
    audit(action=AuditAction.WORKSPACE_CREATED, actor=actor, workspace=workspace, target=workspace)
    return workspace


@transaction.atomic
def workspace_update(
    *,
    ctx: WorkspaceAccess,
    expected_version: int | None,
    name: str,
    description: str,
    admins_need_two_factor: bool | None = None,
) -> Workspace:
    """``admins_need_two_factor`` None keeps the setting. Turning it on needs two-step
    sign-in of the admin doing it, so no workspace locks out the admin who set it."""
    workspace = ctx.workspace
    workspace.name, workspace.description = name.strip(), description
    fields = ["name", "description"]
    changed = {}
    if admins_need_two_factor is not None:
        if admins_need_two_factor and not workspace.admins_need_two_factor and not ctx.two_factor:
            raise ValidationFailed(
                fields={
                    "admins_need_two_factor": [
                        _("Turn on two-step sign-in for yourself first (Profile).")
                    ]
                }
            )
        if admins_need_two_factor != workspace.admins_need_two_factor:
            changed["admins_need_two_factor"] = admins_need_two_factor
        workspace.admins_need_two_factor = admins_need_two_factor
        fields.append("admins_need_two_factor")
    _clean(workspace)
    workspace.save_versioned(expected_version=expected_version, update_fields=fields)
    audit(
        action=AuditAction.WORKSPACE_UPDATED,
        actor=ctx.membership.user,
        workspace=workspace,
        target=workspace,
        name=workspace.name,
        **changed,
    )
    return workspace


def _admins_left_after(membership: Membership, *, new_role: str | None) -> int:
    """Admins the workspace keeps after this change. Locks the workspace row first, so two
    admins demoting each other at the same moment are counted one after the other (on
    PostgreSQL; SQLite's write transactions are serial already) and the second is refused."""
    list(Workspace.objects.select_for_update().filter(pk=membership.workspace_id).values_list("pk"))
    others = Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.ADMIN)
    others = others.exclude(pk=membership.pk).count()
    return others + (1 if new_role == Role.ADMIN else 0)


@transaction.atomic
def membership_update(
    *,
    ctx: WorkspaceAccess,
    membership: Membership,
    expected_version: int | None,
    role: str,
    side: str,
) -> Membership:
    """Change a member's role or side; a workspace always keeps at least one admin."""
    if membership.role == Role.ADMIN and _admins_left_after(membership, new_role=role) == 0:
        raise Conflict(_("A workspace needs at least one admin. Make someone else admin first."))
    before = {"role": membership.role, "side": membership.side}
    membership.role, membership.side = role, side
    _clean(membership)
    membership.save_versioned(expected_version=expected_version, update_fields=["role", "side"])
    audit(
        action=AuditAction.MEMBER_CHANGED,
        actor=ctx.membership.user,
        workspace=ctx.workspace,
        target=membership.user,
        before=before,
        after={"role": role, "side": side},
    )
    return membership


@transaction.atomic
def membership_remove(*, ctx: WorkspaceAccess, membership: Membership) -> None:
    if membership.role == Role.ADMIN and _admins_left_after(membership, new_role=None) == 0:
        raise Conflict(_("A workspace needs at least one admin. Make someone else admin first."))
    audit(
        action=AuditAction.MEMBER_REMOVED,
        actor=ctx.membership.user,
        workspace=ctx.workspace,
        target=membership.user,
        role=membership.role,
    )
    membership.delete()


@transaction.atomic
def invitation_create(
    *, ctx: WorkspaceAccess, role: str, side: str, email: str = "", ttl_days: int | None = None
) -> tuple[Invitation, str]:
    """Return the invitation and its one-time secret (only the hash is stored)."""
    raw = secrets.token_urlsafe(24)
    days = ttl_days or settings.INVITATION_TTL_DAYS
    invitation = Invitation(
        workspace=ctx.workspace,
        email=email.strip(),
        role=role,
        side=side,
        token_hash=hash_secret(raw),
        created_by=ctx.membership.user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    _clean(invitation)
    invitation.save()
    audit(
        action=AuditAction.INVITATION_CREATED,
        actor=ctx.membership.user,
        workspace=ctx.workspace,
        target=invitation.email or invitation.pk,
        role=role,
    )
    if invitation.email:
        from truce.accounts.tasks import send_invitation_email

        transaction.on_commit(
            lambda: send_invitation_email.enqueue(invitation_id=invitation.pk, token=raw)
        )
    return invitation, raw


@transaction.atomic
def invitation_revoke(*, ctx: WorkspaceAccess, invitation: Invitation) -> Invitation:
    if not invitation.is_pending:
        raise Conflict(_("This invitation is no longer pending."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit(
        action=AuditAction.INVITATION_REVOKED,
        actor=ctx.membership.user,
        workspace=ctx.workspace,
        target=invitation.email or invitation.pk,
    )
    return invitation


def invitation_lookup(raw_token: str) -> Invitation:
    """The invitation behind a link, if it can still be used; otherwise NotFound."""
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(token_hash=hash_secret(raw_token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise NotFound(_("This invitation link is invalid, used, revoked or expired."))
    return invitation


@transaction.atomic
def invitation_accept(*, user, raw_token: str) -> Membership:
    invitation = invitation_lookup(raw_token)
    # Lock the row so two tabs accepting at once cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise NotFound(_("This invitation link is invalid, used, revoked or expired."))
    if Membership.objects.filter(workspace=invitation.workspace, user=user).exists():
        raise Conflict(_("You are already a member of this workspace."))
    membership = Membership.objects.create(
        workspace=invitation.workspace, user=user, role=invitation.role, side=invitation.side
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    user.last_workspace = invitation.workspace
    user.save(update_fields=["last_workspace"])
    audit(
        action=AuditAction.MEMBER_JOINED,
        actor=user,
        workspace=invitation.workspace,
        target=user,
        role=invitation.role,
    )
    return membership


@transaction.atomic
def user_signup(
    *, username: str, email: str, password: str, display_name: str = "", language: str = ""
):
    """Create an account (only reachable through a valid invitation link)."""
    User = get_user_model()
    user = User(
        username=username.strip(),
        email=email.strip(),
        display_name=display_name.strip(),
        language=language,
    )
    fields: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        fields.update(validation_from_django(exc).fields)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        fields["password"] = list(exc.messages)
    if fields:
        raise ValidationFailed(fields=fields)
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        raise ValidationFailed(fields={"username": [_("This username is taken.")]}) from None
    audit(action=AuditAction.USER_SIGNED_UP, actor=user, target=user)
    return user


@transaction.atomic
def user_update_profile(*, user, display_name: str, email: str, language: str):
    """Save the profile. Callers confirm the password first when the email changes (it is
    where password reset links go): see ``email_changes`` and truce/accounts/reauth.py."""
    previous = user.email
    user.display_name, user.email, user.language = display_name.strip(), email.strip(), language
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise validation_from_django(exc) from None
    user.save(update_fields=["display_name", "email", "language"])
    if user.email != previous:
        audit(
            action=AuditAction.EMAIL_CHANGED,
            actor=user,
            target=user,
            previous_email=previous,
            email=user.email,
        )
    return user


def email_changes(user, email: str | None) -> bool:
    return email is not None and email.strip() != user.email


@transaction.atomic
def token_create(*, user, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Return the token and its secret, which is shown once and never stored. Pages and the
    API confirm the password first (truce/accounts/reauth.py)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_secret(raw),
        expires_at=expires_at,
    )
    _clean(token)
    token.save()
    audit(
        action=AuditAction.TOKEN_CREATED,
        actor=user,
        target=token.name,
        prefix=token.prefix,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit(
            action=AuditAction.TOKEN_REVOKED,
            actor=user,
            target=token.name,
            prefix=token.prefix,
        )
    return token


KNOWN_ADDRESS_DAYS = 90


def account_paused(username: str, request) -> bool:
    """Whether signing in as ``username`` from this request's address is paused (ASVS 2.2.1):
    the account had ``TRUCE_LOGIN_ACCOUNT_LIMIT`` failed sign-ins from anywhere within the
    cool-off (since its last password change or reset, if later), and the address is not one
    it signed in from in the last 90 days. django-axes limits each address per account; this
    limits an attack spread over many addresses, without locking the owner out of their own
    devices."""
    limit = getattr(settings, "TRUCE_LOGIN_ACCOUNT_LIMIT", 0)
    if limit <= 0 or not username:
        return False
    account = get_user_model().objects.filter(username=username[:150]).only("pk").first()
    if account is None:
        return False
    now = timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    events = AuditEvent.objects.filter(actor=account)
    renewed = (
        events.filter(
            action__in=[AuditAction.PASSWORD_CHANGED, AuditAction.PASSWORD_RESET],
            created_at__gte=since,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    failed = events.filter(
        action__in=[AuditAction.SIGN_IN_FAILED, AuditAction.LOCKED_OUT],
        created_at__gte=renewed or since,
    )
    if failed[:limit].count() < limit:
        return False
    address = client_ip(request)
    known = address and events.filter(
        action=AuditAction.SIGNED_IN,
        ip_address=address,
        created_at__gte=now - timedelta(days=KNOWN_ADDRESS_DAYS),
    )
    if known and known.exists():
        return False
    audit(
        action=AuditAction.LOCKED_OUT, outcome=Outcome.FAILURE, actor=account,
        target=username[:150], request=request, reason="account",
    )  # fmt: skip
    return True


def sign_out_elsewhere(*, user, request=None) -> None:
    """End every session of ``user`` except the one ``request`` is served in (if it is the
    user's): the session hash each one keeps includes ``session_epoch``, which goes up.
    API tokens are not sessions; they are revoked one by one on the tokens page."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        audit(action=AuditAction.SIGNED_OUT_ELSEWHERE, actor=user, target=user)
    session = getattr(request, "session", None)
    if session is not None and getattr(request, "user", None) == user and session.session_key:
        update_session_auth_hash(request, user)  # this session stays signed in
    sessions.end_others(user=user, request=request)


def token_authenticate(raw: str):
    """The user behind a bearer token, or None. Last use is recorded at most once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_secret(raw))
    token = token.first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def workspace_switch(*, user, workspace: Workspace) -> None:
    if user.last_workspace_id != workspace.pk:
        user.last_workspace = workspace
        user.save(update_fields=["last_workspace"])


def audit_expire(*, now=None, days: int | None = None) -> int:
    """Delete the audit events older than ``days`` (default ``TRUCE_AUDIT_KEEP_DAYS``; 0 keeps
    them for ever) and record that it was done: how many, and up to when (ASVS 8.3.8).
    Events are otherwise append-only; this is the one way they go."""
    days = getattr(settings, "TRUCE_AUDIT_KEEP_DAYS", 0) if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        # the base manager: the default one refuses deletes, on purpose
        deleted, _rows = AuditEvent._base_manager.filter(created_at__lt=cutoff).delete()
        if deleted:
            audit(
                action=AuditAction.AUDIT_EXPIRED,
                target=f"before {cutoff:%Y-%m-%d %H:%M}",
                deleted=deleted,
                days=days,
            )
    return deleted


def closing_blocked_by(user) -> list[Workspace]:
    """Workspaces that would lose their last admin while others still work in them."""
    admin_of = Membership.objects.filter(user=user, role=Role.ADMIN).values("workspace_id")
    other_admins = Membership.objects.filter(workspace_id__in=admin_of, role=Role.ADMIN)
    other_members = Membership.objects.filter(workspace_id__in=admin_of).exclude(user=user)
    return list(
        Workspace.objects.filter(pk__in=admin_of)
        .exclude(pk__in=other_admins.exclude(user=user).values("workspace_id"))
        .filter(pk__in=other_members.values("workspace_id"))
        .order_by("name")
    )


def account_close(*, user, password: str, request=None) -> None:
    """Close ``user``'s own account (ASVS 8.3.2): the password is asked every time. What is
    personal goes: name, email, password, sign-in keys, sessions, tokens, memberships,
    notifications, preferences and calendar feeds. What the person wrote for their teams stays,
    credited to ``closed-<id>``; audit events keep the name they were recorded with until
    ``TRUCE_AUDIT_KEEP_DAYS`` expires them. Refused while the account is the only admin of a
    workspace others still use, and for installation administrators."""
    if user.is_superuser:
        raise Conflict(
            _("An installation administrator's account cannot be closed here: ask another "
              "administrator, or remove the administrator flag first.")
        )  # fmt: skip
    if not password:
        message = _("Enter your password to close your account.")
        raise ValidationFailed(fields={"password": [message]})
    reauth.confirm(request, user, password, purpose="account_close")
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        memberships = list(Membership.objects.filter(user=user).select_related("workspace"))
        for membership in memberships:
            if membership.role == Role.ADMIN:
                _admins_left_after(membership, new_role=None)  # locks the workspace row
        blocked = closing_blocked_by(user)
        if blocked:
            names = "、".join(w.name for w in blocked)
            raise Conflict(
                _("You are the only admin of %(workspaces)s. Make another member an admin "
                  "first.") % {"workspaces": names}
            )  # fmt: skip
        for membership in memberships:
            audit(
                action=AuditAction.MEMBER_REMOVED, actor=user, workspace=membership.workspace,
                target=f"closed-{user.pk}", role=membership.role, reason="account_closed",
            )  # fmt: skip
        audit(action=AuditAction.ACCOUNT_CLOSED, actor=user, target=f"closed-{user.pk}")
        sessions.end_all(user=user)
        for relation in user._meta.related_objects:
            if relation.many_to_many:  # links such as attendees and mentions
                through = relation.field.remote_field.through
                through._base_manager.filter(
                    **{relation.field.m2m_reverse_field_name(): user}
                ).delete()
            elif getattr(relation, "on_delete", None) is models.CASCADE:
                # Rows that belong to the person alone (tokens, sessions, memberships, …).
                relation.related_model._base_manager.filter(**{relation.field.name: user}).delete()
        user.username = f"closed-{user.pk}"
        user.email = user.first_name = user.last_name = user.display_name = user.language = ""
        user.last_workspace = None
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = "", None, 0
        user.is_active = user.is_staff = False
        user.session_epoch += 1
        user.set_unusable_password()
        user.save()
