"""Reads for accounts pages and the API (bounded queries, workspace-scoped)."""

from __future__ import annotations

from django.db.models import Count, Q

from truce.accounts.models import AuditEvent, Invitation, Membership, Role, Side, Workspace


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
