"""Access helpers for meetings, decisions and action items, in the manner of truce.core.access:
scoped to the caller's workspace; missing and other workspaces' objects are the same NotFound;
viewers get PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.meetings.models import ActionItem, Decision, Meeting, MeetingSeries


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def _found(ctx, found, write):
    if found is None:
        raise NotFound()
    _check_write(ctx, write)
    return ctx, found


def access_series(user, slug: str, series_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = MeetingSeries.objects.filter(workspace=ctx.workspace, pk=series_id).first()
    return _found(ctx, found, write)


def access_meeting(user, slug: str, meeting_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Meeting.objects.filter(workspace=ctx.workspace, pk=meeting_id)
        .select_related("series")
        .first()
    )
    if found is not None:
        found.workspace = ctx.workspace  # already loaded; spares the pages a query
    return _found(ctx, found, write)


def access_decision(user, slug: str, number: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Decision.objects.filter(workspace=ctx.workspace, number=number)
        .select_related("decided_by", "recorded_by", "meeting__series", "supersedes")
        .first()
    )
    return _found(ctx, found, write)


def access_action(user, slug: str, action_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        ActionItem.objects.filter(workspace=ctx.workspace, pk=action_id)
        .select_related("owner", "meeting__series", "decision")
        .first()
    )
    return _found(ctx, found, write)
