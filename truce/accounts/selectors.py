"""Reads for accounts pages and the API (bounded queries, workspace-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from truce.accounts.models import (
    ACCOUNT_ACTIONS,
    AuditEvent,
    Invitation,
    Membership,
    Role,
    Side,
    User,
    Workspace,
)


def members_of(workspace: Workspace):
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )


def pending_invitations(workspace: Workspace):
    return Invitation.objects.filter(workspace=workspace).pending().select_related("created_by")


def memberships_of(user):
    """The workspace switcher: every workspace the user belongs to, one query."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )


def workspace_overview(workspace: Workspace) -> dict:
    """Counts for the workspace home page, in one aggregate query."""
    counts = Membership.objects.filter(workspace=workspace).aggregate(
        total=Count("id"),
        product=Count("id", filter=Q(side=Side.PRODUCT)),
        operations=Count("id", filter=Q(side=Side.OPERATIONS)),
        admins=Count("id", filter=Q(role=Role.ADMIN)),
        leads=Count("id", filter=Q(role=Role.LEAD)),
        viewers=Count("id", filter=Q(role=Role.VIEWER)),
    )
    return counts


def recent_audit(workspace: Workspace, limit: int = 50):
    return AuditEvent.objects.filter(workspace=workspace).select_related("actor")[:limit]


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""  # username
    since: date | None = None  # first day, local time
    until: date | None = None  # last day, inclusive


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(qs, f: AuditFilter):
    if f.action:
        qs = qs.filter(action=f.action)
    if f.actor:
        qs = qs.filter(actor__username=f.actor)
    if f.since:
        qs = qs.filter(created_at__gte=_day_start(f.since))
    if f.until:
        qs = qs.filter(created_at__lt=_day_start(f.until + timedelta(days=1)))
    return qs.select_related("actor").order_by("-created_at", "-id")


def workspace_audit(workspace: Workspace, f: AuditFilter | None = None):
    """The workspace's audit log for its admins, newest first."""
    return _filtered(AuditEvent.objects.filter(workspace=workspace), f or AuditFilter())


def audit_actors(workspace: Workspace):
    """Everyone who appears in the workspace's audit log (former members too)."""
    ids = AuditEvent.objects.filter(workspace=workspace, actor__isnull=False).values("actor")
    return User.objects.filter(pk__in=ids).order_by("username")


def account_audit(user, f: AuditFilter | None = None):
    """A person's own account events (sign-ins, failed sign-ins, passwords, tokens, email)."""
    qs = AuditEvent.objects.filter(actor=user, workspace__isnull=True, action__in=ACCOUNT_ACTIONS)
    return _filtered(qs, f or AuditFilter())
