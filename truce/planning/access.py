"""Access helpers for planning, in the manner of truce.goals.access: scoped to the caller's
workspace; missing and other workspaces' objects are the same NotFound; viewers get
PermissionDenied on writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.planning.models import PeriodPlan, Run, Scenario


def _check_write(ctx: WorkspaceAccess, write: bool) -> None:
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def access_scenario(user, slug: str, scenario_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Scenario.objects.filter(workspace=ctx.workspace, pk=scenario_id)
        .select_related("period", "owner")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    _check_write(ctx, write)
    return ctx, found


def access_run(user, slug: str, run_id: int, *, write: bool = False):
    """The run with its scenario; its inputs and result documents (large at scale) load when
    first read, which the pages never do: they read its layout."""
    ctx = access_workspace(user, slug)
    found = (
        Run.objects.filter(workspace=ctx.workspace, pk=run_id)
        .select_related("scenario__period", "created_by")
        .defer("inputs", "result")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = found.scenario.workspace = ctx.workspace
    _check_write(ctx, write)
    return ctx, found


def access_plan(user, slug: str, plan_id: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        PeriodPlan.objects.filter(workspace=ctx.workspace, pk=plan_id)
        .select_related("period", "scenario", "published_by")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    _check_write(ctx, write)
    return ctx, found
