"""Access-matrix entries of glossary: see tests/test_access_matrix.py."""

PAGES: dict = {
    "glossary:list": ("read", "get"),
    "glossary:new": ("write", "get"),
    "glossary:import_starter": ("write", "post"),
    "glossary:suggestions": ("read", "get"),
    "glossary:detail": ("read", "get"),
    "glossary:edit": ("write", "get"),
    "glossary:delete": ("write", "post"),
}
_T = "/api/v1/workspaces/{slug}/glossary"
OPERATIONS: dict = {
    f"GET {_T}/terms": "read",
    f"POST {_T}/terms": "write",
    f"GET {_T}/terms/{{term_id}}": "read",
    f"PATCH {_T}/terms/{{term_id}}": "write",
    f"DELETE {_T}/terms/{{term_id}}": "write",
    f"POST {_T}/import-starter": "write",
    f"GET {_T}/suggestions": "read",
    f"POST {_T}/highlight": "read",
}


def world(ctx, base: dict) -> dict:
    """URL kwargs of objects this app's routes point at (``base`` holds the shared ones)."""
    from truce.glossary.services import term_create

    term = term_create(ctx=ctx, term_zh="埋点", side="product", definition_zh="数据采集点")
    return {"term_id": term.pk}


def valid_body(op: str) -> dict | None:
    """A valid JSON body for ``op`` (so a viewer's 403 is not masked by a 422), or None."""
    if op.endswith("/highlight"):
        return {"text": "GMV 提升"}
    if op.startswith("POST") and op.endswith("/terms"):
        return {"term_zh": "复购", "side": "operations", "definition_zh": "再次购买"}
    if op.startswith("PATCH"):
        return {"definition_en": "Data collection points."}
    return None
