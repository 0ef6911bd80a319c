"""Access helpers for integrations, in the manner of truce.core.access: scoped to the caller's
workspace; missing and other workspaces' objects are the same NotFound. Every member may read
the endpoint list and delivery logs (without URLs' credentials or secrets); changing
anything, sending a test and redelivering are for workspace admins."""

from __future__ import annotations

from truce.core.access import access_workspace
from truce.core.errors import NotFound
from truce.integrations.models import Delivery, Endpoint


def access_endpoint(user, slug: str, endpoint_id: int, *, admin: bool = False):
    ctx = access_workspace(user, slug, admin=admin)
    found = Endpoint.objects.filter(workspace=ctx.workspace, pk=endpoint_id).first()
    if found is None:
        raise NotFound()
    found.workspace = ctx.workspace  # already loaded; spares the pages a query
    return ctx, found


def access_delivery(user, slug: str, delivery_id: int, *, admin: bool = False):
    ctx = access_workspace(user, slug, admin=admin)
    found = (
        Delivery.objects.filter(workspace=ctx.workspace, pk=delivery_id)
        .select_related("endpoint")
        .first()
    )
    if found is None:
        raise NotFound()
    return ctx, found
