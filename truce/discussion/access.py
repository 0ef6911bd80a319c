"""Access helpers for discussion, in the manner of truce.core.access: everything is scoped to
the caller's workspace (or, for notifications, to the caller); what is missing or belongs to
someone else is the same NotFound; viewers get PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.discussion import registry
from truce.discussion.models import Comment, Notification


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def resolve_subject(ctx: WorkspaceAccess, subject_type: str, key: int):
    """(registry entry, subject) for ``subject_type`` and its public ``key`` in ctx.workspace."""
    entry = registry.get(subject_type)
    subject = entry.resolve(ctx, key)
    if getattr(subject, "workspace_id", None) != ctx.workspace.pk:
        raise NotFound()  # a resolver that forgot to scope must not leak another workspace
    subject.workspace = ctx.workspace  # already loaded; spares url() a query
    return entry, subject


def access_subject(user, slug: str, subject_type: str, key: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    entry, subject = resolve_subject(ctx, subject_type, key)
    _check_write(ctx, write)
    return ctx, entry, subject


def access_comment(user, slug: str, comment_id: int, *, write: bool = False):
    """A comment of the workspace. Changing it is for its author (and deleting, for admins
    too); whether the role allows it at all is checked first, like everywhere else."""
    ctx = access_workspace(user, slug)
    found = (
        Comment.objects.filter(workspace=ctx.workspace, pk=comment_id)
        .select_related("author")
        .first()
    )
    if found is None or registry.find(found.subject_type) is None:
        raise NotFound()
    found.workspace = ctx.workspace
    _check_write(ctx, write)
    return ctx, found


def access_notification(user, notification_id: int) -> Notification:
    """Notifications are personal: only their recipient sees them."""
    found = (
        Notification.objects.inbox_of(user)
        .filter(pk=notification_id)
        .select_related("event__actor", "workspace")
        .first()
        if user.is_authenticated
        else None
    )
    if found is None:
        raise NotFound()
    return found


def resolve_subject_of(ctx: WorkspaceAccess, comment: Comment):
    """(registry entry, subject) of the thread ``comment`` belongs to."""
    entry = registry.get(comment.subject_type)
    subject = entry.model._default_manager.filter(
        workspace=ctx.workspace, pk=comment.subject_id
    ).first()
    if subject is None:
        raise NotFound()
    subject.workspace = ctx.workspace
    return entry, subject
