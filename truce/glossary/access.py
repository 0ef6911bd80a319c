"""Access to glossary terms, in the manner of truce.core.access: scoped to the caller's
workspace; missing and other workspaces' terms are the same NotFound; viewers may read only."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from truce.core.access import WorkspaceAccess, access_workspace
from truce.core.errors import NotFound, PermissionDenied
from truce.glossary.models import Term


def access_term(
    user, slug: str, term_id: int, *, write: bool = False
) -> tuple[WorkspaceAccess, Term]:
    ctx = access_workspace(user, slug)
    in_range = 0 < term_id < 2**63  # a larger id would overflow the database's integer
    found = Term.objects.filter(workspace=ctx.workspace, pk=term_id).first() if in_range else None
    if found is None:
        raise NotFound()
    if write and not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    found.workspace = ctx.workspace  # already loaded; spares the pages a query
    return ctx, found
