"""Access helpers for launches, in the manner of truce.core.access: scoped to the caller's
workspace; missing and other workspaces' objects are the same NotFound; viewers get
PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.launches.models import Launch, Milestone, ReadinessItem


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def access_launch(user, slug: str, number: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = Launch.objects.filter(workspace=ctx.workspace, number=number).first()
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace  # already loaded; spares the pages a query
    _check_write(ctx, write)
    return ctx, found


def access_milestone(ctx: WorkspaceAccess, launch: Launch, milestone_id: int) -> Milestone:
    found = Milestone.objects.filter(launch=launch, pk=milestone_id).first()
    if found is None:
        raise NotFound()
    found.launch = launch
    return found


def access_item(ctx: WorkspaceAccess, launch: Launch, check_id: int) -> ReadinessItem:
    found = ReadinessItem.objects.filter(launch=launch, pk=check_id).first()
    if found is None:
        raise NotFound()
    found.launch = launch
    return found
