"""Access-matrix entries of launches: see tests/test_access_matrix.py."""

from datetime import date

PAGES: dict = {
    "launches:list": ("read", "get"),
    "launches:timeline": ("read", "get"),
    "launches:new": ("write", "get"),
    "launches:detail": ("read", "get"),
    "launches:edit": ("write", "get"),
    "launches:move": ("write", "post"),
    "launches:milestone_add": ("write", "post"),
    "launches:milestone_done": ("write", "post"),
    "launches:milestone_delete": ("write", "post"),
    "launches:checklist_apply": ("write", "post"),
    "launches:item_add": ("write", "post"),
    "launches:item_toggle": ("write", "post"),
    "launches:item_delete": ("write", "post"),
    "launches:vote": ("write", "post"),
    "launches:review": ("read", "get"),
}

B = "/api/v1/workspaces/{slug}/launches"
OPERATIONS: dict = {
    f"GET {B}": "read",
    f"POST {B}": "write",
    f"GET {B}-timeline": "read",
    f"GET {B}/{{launch_number}}": "read",
    f"PATCH {B}/{{launch_number}}": "write",
    f"POST {B}/{{launch_number}}/status": "write",
    f"POST {B}/{{launch_number}}/milestones": "write",
    f"PATCH {B}/{{launch_number}}/milestones/{{milestone_id}}": "write",
    f"DELETE {B}/{{launch_number}}/milestones/{{milestone_id}}": "write",
    f"POST {B}/{{launch_number}}/checklist": "write",
    f"POST {B}/{{launch_number}}/checklist/apply": "write",
    f"PATCH {B}/{{launch_number}}/checklist/{{check_id}}": "write",
    f"DELETE {B}/{{launch_number}}/checklist/{{check_id}}": "write",
    f"POST {B}/{{launch_number}}/votes": "write",
    f"GET {B}/{{launch_number}}/review": "read",
    f"PUT {B}/{{launch_number}}/review": "write",
}


def world(ctx, base: dict) -> dict:
    from truce.launches import services

    launch = services.launch_create(
        ctx=ctx, name="双十二上线", target_date=date(2026, 12, 12), requirements=[base["number"]]
    )
    return {
        "launch_number": launch.number,
        "milestone_id": launch.milestones.first().pk,
        "check_id": launch.checklist.first().pk,
    }


def valid_body(op: str) -> dict | None:
    if op.endswith("/launches"):
        return {"name": "x", "target_date": "2026-12-01"}
    if op.endswith("/status"):
        return {"status": "ready_for_review"}
    if "/milestones" in op:
        return {"kind": "qa", "due": "2026-11-30"}
    if op.endswith("/apply"):
        return {"key": "feature_launch"}
    if "/checklist" in op:
        return {"text": "x", "side": "product"}
    if op.endswith("/votes"):
        return {"go": True}
    if op.endswith("/review"):
        return {"went_well": "x"}
    if "/launches/" in op:
        return {"name": "x"}
    return None
