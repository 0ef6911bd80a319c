"""Access helpers for goals, in the manner of truce.core.access: scoped to the caller's
workspace; missing and other workspaces' objects are the same NotFound; viewers get
PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.goals.models import KeyResult, Objective, Period


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def access_period(user, slug: str, period_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = Period.objects.filter(workspace=ctx.workspace, pk=period_id).first()
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace  # already loaded; spares the pages a query
    _check_write(ctx, write)
    return ctx, found


def access_objective(user, slug: str, objective_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Objective.objects.filter(workspace=ctx.workspace, pk=objective_id)
        .select_related("period", "owner", "parent")
        .first()
    )
    if found is None:
        raise NotFound()
    _check_write(ctx, write)
    return ctx, found


def access_key_result(user, slug: str, kr_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        KeyResult.objects.filter(workspace=ctx.workspace, pk=kr_id)
        .select_related("objective__period", "owner")
        .first()
    )
    if found is None:
        raise NotFound()
    _check_write(ctx, write)
    return ctx, found
