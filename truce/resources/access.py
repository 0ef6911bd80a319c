"""Access helpers for pools, campaigns and demands, in the manner of truce.core.access: scoped
to the caller's workspace; missing and other workspaces' objects are the same NotFound;
viewers get PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.resources.models import Campaign, Demand, ResourcePool


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def access_pool(user, slug: str, pool_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = ResourcePool.objects.filter(workspace=ctx.workspace, pk=pool_id).first()
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace  # already loaded; spares the pages a query
    _check_write(ctx, write)
    return ctx, found


def access_campaign(user, slug: str, number: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Campaign.objects.filter(workspace=ctx.workspace, number=number)
        .select_related("owner", "created_by")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    _check_write(ctx, write)
    return ctx, found


def access_demand(user, slug: str, demand_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Demand.objects.filter(pool__workspace=ctx.workspace, pk=demand_id)
        .select_related("pool", "requirement", "campaign")
        .first()
    )
    if found is None:
        raise NotFound()
    _check_write(ctx, write)
    return ctx, found
