"""Access helpers of interop, in the manner of truce.core.access: import jobs are reached by
admins of their own workspace only; anything else is the same NotFound."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.interop.models import ImportJob, ImportKind, RestoreJob


def access_import_job(user, slug: str, job_id: int) -> tuple[WorkspaceAccess, ImportJob]:
    ctx = access_workspace(user, slug, admin=True)
    found = ImportJob.objects.filter(workspace=ctx.workspace, pk=job_id).first()
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    return ctx, found


def check_kind(kind: str) -> str:
    if kind not in ImportKind.values:
        raise NotFound()
    return kind


def require_admin(ctx: WorkspaceAccess) -> None:
    if not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can do this."))


def access_restore_job(user, slug: str, restore_id: int) -> tuple[WorkspaceAccess, RestoreJob]:
    """A restore job, for admins of the workspace it was started from."""
    ctx = access_workspace(user, slug, admin=True)
    found = (
        RestoreJob.objects.select_related("created_by", "restored")
        .filter(workspace=ctx.workspace, pk=restore_id)
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    return ctx, found
