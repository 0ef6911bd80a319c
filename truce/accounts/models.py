"""Users, workspaces, memberships, invitations, API tokens and the audit trail."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from truce.accounts.devices import device_label
from truce.core.errors import Conflict
from truce.core.models import TimeStamped, Versioned


def hash_secret(raw: str) -> str:
    """Tokens are random and long, so a fast hash is enough (no need for argon2 here)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class Side(models.TextChoices):
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")


class User(AbstractUser):
    """A person. Language is the user's choice; empty means "follow the browser"."""

    class Language(models.TextChoices):
        BROWSER = "", _("Follow the browser")
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, blank=True, default=""
    )
    last_workspace = models.ForeignKey(
        "Workspace", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    """Raised by "sign out of every other session": part of the hash each session keeps, so
    every session made before no longer matches (truce.accounts.services.sign_out_elsewhere)."""
    totp_secret = models.CharField(max_length=64, blank=True, editable=False)
    """The authenticator app's key while two-step sign-in is on (truce/accounts/twofactor.py)."""
    totp_enabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    totp_last_step = models.BigIntegerField(default=0, editable=False)
    """The 30-second step of the last code accepted: a code is never accepted twice."""

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def _get_session_auth_hash(self, secret=None) -> str:
        # Django's hash of the password hash, with the epoch mixed in once it is raised (at 0
        # it is Django's own value, so sessions made before this field existed stay valid).
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}|{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class WorkspaceQuerySet(models.QuerySet):
    def visible_to(self, user) -> WorkspaceQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Workspace(Versioned):
    """A team's shared planning space; everything else belongs to exactly one workspace."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    admins_need_two_factor = models.BooleanField(
        _("admins must use two-step sign-in"),
        default=False,
        help_text=_(
            "An admin without two-step sign-in keeps working as a member, but cannot manage "
            "the workspace until they turn it on."
        ),
    )

    objects = WorkspaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    LEAD = "lead", _("Lead")
    VIEWER = "viewer", _("Viewer")


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user) -> MembershipQuerySet:
        return self.filter(workspace__in=Workspace.objects.visible_to(user))


class Membership(Versioned):
    """A user's place in a workspace: the role decides rights, the side decides the lens."""

    Role = Role

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["workspace", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="membership_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStamped):
    """A link that lets one person join a workspace with a given role, until it expires."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email or '—'} → {self.workspace}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(TimeStamped):
    """A personal token for the API. Only its hash is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class BrowserSession(models.Model):
    """A signed-in browser session, so its owner can see where they are signed in and end any
    one of them (ASVS 3.3.4). ``session_key`` is the key of the server-side session (kept in
    step when Django changes it); ending the session deletes that session and this row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last active"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        indexes = [models.Index(fields=["user", "last_seen_at"], name="browser_session_user_idx")]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def device(self) -> str:
        return device_label(self.user_agent)


class RecoveryCode(models.Model):
    """A single-use code for signing in without the authenticator app. Only its salted hash is
    kept (`totp.hash_recovery_code`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=80)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"


class AuditAction(models.TextChoices):
    SIGNED_IN = "auth.signed_in", _("Signed in")
    SIGN_IN_FAILED = "auth.sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "auth.locked_out", _("Sign-in locked after repeated failures")
    SIGNED_OUT = "auth.signed_out", _("Signed out")
    SESSION_EXPIRED = "auth.session_expired", _("Session ended after inactivity or its maximum age")
    SIGNED_OUT_ELSEWHERE = "auth.signed_out_elsewhere", _("Signed out of every other session")
    SESSION_ENDED = "auth.session_ended", _("Signed out of another session")
    TWO_FACTOR_ENABLED = "auth.two_factor_enabled", _("Two-step sign-in turned on")
    TWO_FACTOR_DISABLED = "auth.two_factor_disabled", _("Two-step sign-in turned off")
    RECOVERY_CODES_CREATED = "auth.recovery_codes_created", _("New recovery codes made")
    RECOVERY_CODE_USED = "auth.recovery_code_used", _("Signed in with a recovery code")
    WORKSPACE_CREATED = "workspace.created", _("Workspace created")
    WORKSPACE_UPDATED = "workspace.updated", _("Workspace settings changed")
    MEMBER_CHANGED = "member.changed", _("Member role or side changed")
    MEMBER_REMOVED = "member.removed", _("Member removed")
    MEMBER_JOINED = "member.joined", _("Member joined by invitation")
    INVITATION_CREATED = "invitation.created", _("Invitation created")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    TOKEN_CREATED = "token.created", _("API token created")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    PASSWORD_CHANGED = "password.changed", _("Password changed")
    REAUTH_FAILED = "auth.reauth_failed", _("Wrong password when confirming a change")
    PASSWORD_RESET_REQUESTED = "password.reset_requested", _("Password reset requested")
    PASSWORD_RESET = "password.reset", _("Password reset by email")
    EMAIL_CHANGED = "user.email_changed", _("Email address changed")
    USER_SIGNED_UP = "user.signed_up", _("Account created")
    ACCOUNT_CLOSED = "user.closed", _("Account closed by its owner")
    WORKSPACE_BACKED_UP = "workspace.backup", _("Workspace backed up")
    WORKSPACE_RESTORED = "workspace.restored", _("Workspace restored from a backup")
    AUDIT_EXPIRED = "audit.expired", _("Old audit events deleted")
    EXPORTED = "data.exported", _("List exported")
    IMPORT_COMMITTED = "data.imported", _("Import committed")
    ENDPOINT_CREATED = "endpoint.created", _("Robot or webhook created")
    ENDPOINT_CHANGED = "endpoint.changed", _("Robot or webhook changed")
    ENDPOINT_DELETED = "endpoint.deleted", _("Robot or webhook deleted")


# Actions about a person's own account (no workspace): shown on their own security page.
ACCOUNT_ACTIONS = (
    AuditAction.SIGNED_IN,
    AuditAction.SIGN_IN_FAILED,
    AuditAction.LOCKED_OUT,
    AuditAction.SIGNED_OUT,
    AuditAction.SESSION_EXPIRED,
    AuditAction.SIGNED_OUT_ELSEWHERE,
    AuditAction.SESSION_ENDED,
    AuditAction.TWO_FACTOR_ENABLED,
    AuditAction.TWO_FACTOR_DISABLED,
    AuditAction.RECOVERY_CODES_CREATED,
    AuditAction.RECOVERY_CODE_USED,
    AuditAction.TOKEN_CREATED,
    AuditAction.TOKEN_REVOKED,
    AuditAction.PASSWORD_CHANGED,
    AuditAction.REAUTH_FAILED,
    AuditAction.PASSWORD_RESET_REQUESTED,
    AuditAction.PASSWORD_RESET,
    AuditAction.EMAIL_CHANGED,
    AuditAction.USER_SIGNED_UP,
)


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    FAILURE = "failure", _("Failed")


class AppendOnly(Conflict):
    default_message = _("Audit events cannot be changed or deleted.")


class AuditEventQuerySet(models.QuerySet):
    """Rows are only ever added: bulk updates and deletes are refused here, single ones by
    the model, and UPDATEs of recorded columns by a database trigger (migration 0004).
    Deleting a workspace or a user still works: Django's cascade goes through the base manager."""

    def update(self, **kwargs):
        raise AppendOnly()

    def delete(self):
        raise AppendOnly()


class AuditEvent(models.Model):
    """A security-relevant action: who, what, on what, from where, when, and whether it
    succeeded. Append-only. Account events (sign-in, passwords, tokens) have no workspace."""

    IMMUTABLE_FIELDS = (
        "workspace_id",
        "action",
        "outcome",
        "target",
        "data",
        "ip_address",
        "user_agent",
        "created_at",
    )

    workspace = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60, choices=AuditAction.choices)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    target = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or client"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="audit_workspace_time"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly()
