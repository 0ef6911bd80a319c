"""Access-matrix entries of integrations: see tests/test_access_matrix.py."""

from __future__ import annotations

PAGES: dict = {
    "integrations:endpoints": ("read", "get"),
    "integrations:endpoint_new": ("admin", "get"),
    "integrations:endpoint": ("read", "get"),
    "integrations:endpoint_edit": ("admin", "get"),
    "integrations:endpoint_delete": ("admin", "post"),
    "integrations:endpoint_test": ("admin", "post"),
    "integrations:redeliver": ("admin", "post"),
}

B = "/api/v1/workspaces/{slug}/integrations"
OPERATIONS: dict = {
    f"GET {B}/endpoints": "read",
    f"POST {B}/endpoints": "admin",
    f"GET {B}/endpoints/{{endpoint_id}}": "read",
    f"PATCH {B}/endpoints/{{endpoint_id}}": "admin",
    f"DELETE {B}/endpoints/{{endpoint_id}}": "admin",
    f"GET {B}/endpoints/{{endpoint_id}}/deliveries": "read",
    f"POST {B}/endpoints/{{endpoint_id}}/test": "admin",
    f"POST {B}/deliveries/{{delivery_id}}/redeliver": "admin",
}


def world(ctx, base: dict) -> dict:
    """URL kwargs of objects this app's routes point at (``base`` holds the shared ones).
    The endpoint is disabled and its test delivery is only queued (on commit), so nothing
    is sent while the matrix runs."""
    from truce.integrations import services

    endpoint, _secret = services.endpoint_create(
        ctx=ctx, name="Matrix", kind="generic", url="https://example.com/hook", enabled=False
    )
    delivery = services.endpoint_test(ctx=ctx, endpoint=endpoint)
    return {"endpoint_id": endpoint.pk, "delivery_id": delivery.pk}


def valid_body(op: str) -> dict | None:
    """A valid JSON body for ``op`` (so a viewer's 403 is not masked by a 422), or None."""
    if op == f"POST {B}/endpoints":
        return {"name": "x", "kind": "generic", "url": "https://example.com/x"}
    if op == f"PATCH {B}/endpoints/{{endpoint_id}}":
        return {"enabled": False}
    return None
