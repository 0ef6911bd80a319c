"""Access-matrix entries of conflicts: see tests/test_access_matrix.py."""

PAGES: dict = {
    "conflicts:list": ("read", "get"),
    "conflicts:detect": ("write", "post"),
    "conflicts:new": ("write", "get"),
    "conflicts:detail": ("read", "get"),
    "conflicts:edit": ("write", "get"),
    "conflicts:move": ("write", "post"),
    "conflicts:evidence_add": ("write", "post"),
    "conflicts:evidence_remove": ("write", "post"),
    "conflicts:decide": ("write", "post"),
    "conflicts:health": ("read", "get"),
    "conflicts:health_export": ("read", "get"),
}

B = "/api/v1/workspaces/{slug}/conflicts"
OPERATIONS: dict = {
    f"GET {B}": "read",
    f"POST {B}": "write",
    f"POST {B}-detect": "write",
    f"GET {B}/{{conflict_number}}": "read",
    f"PATCH {B}/{{conflict_number}}": "write",
    f"POST {B}/{{conflict_number}}/status": "write",
    f"POST {B}/{{conflict_number}}/decide": "write",
    f"POST {B}/{{conflict_number}}/evidence": "write",
    f"DELETE {B}/{{conflict_number}}/evidence/{{evidence_id}}": "write",
    "GET /api/v1/workspaces/{slug}/health": "read",
}


def world(ctx, base: dict) -> dict:
    from truce.conflicts import services

    conflict = services.conflict_open(ctx=ctx, title="推送频控之争")
    evidence = services.evidence_add(ctx=ctx, conflict=conflict, side="product", label="投诉")
    return {"conflict_number": conflict.number, "evidence_id": evidence.pk}


def valid_body(op: str) -> dict | None:
    if op.endswith("/conflicts"):
        return {"title": "x"}
    if op.endswith("/status"):
        return {"status": "discussing"}
    if op.endswith("/decide"):
        return {"outcome": "x"}
    if op.endswith("/evidence"):
        return {"side": "product", "label": "x"}
    if "/conflicts/" in op:
        return {"title": "x"}
    return None
