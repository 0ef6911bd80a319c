"""Access helpers for conflicts, in the manner of truce.core.access."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.conflicts.models import Conflict, Evidence
from truce.core.access import access_workspace
from truce.core.errors import NotFound, PermissionDenied


def access_conflict(user, slug: str, number: int, *, write: bool = False):
    ctx = access_workspace(user, slug)
    found = (
        Conflict.objects.filter(workspace=ctx.workspace, number=number)
        .select_related("requirement", "campaign", "launch", "pool", "decision", "escalated_by")
        .first()
    )
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    return ctx, found


def access_evidence(conflict: Conflict, evidence_id: int) -> Evidence:
    found = Evidence.objects.filter(conflict=conflict, pk=evidence_id).first()
    if found is None:
        raise NotFound()
    found.conflict = conflict
    return found
