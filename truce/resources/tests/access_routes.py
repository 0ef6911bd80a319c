"""Access-matrix entries of resources: see tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

READ, WRITE = "read", "write"

PAGES: dict = {
    "resources:pools": (READ, "get"),
    "resources:pool_new": (WRITE, "get"),
    "resources:calendar": (READ, "get"),
    "resources:pool": (READ, "get"),
    "resources:pool_edit": (WRITE, "get"),
    "resources:pool_delete": (WRITE, "post"),
    "resources:capacity": (WRITE, "post"),
    "resources:campaigns": (READ, "get"),
    "resources:campaign_new": (WRITE, "get"),
    "resources:campaign": (READ, "get"),
    "resources:campaign_edit": (WRITE, "get"),
    "resources:campaign_move": (WRITE, "post"),
    "resources:campaign_delete": (WRITE, "post"),
    "resources:campaign_demand_add": (WRITE, "post"),
    "resources:requirement_demands": (READ, "get"),
    "resources:requirement_demand_suggest": (WRITE, "post"),
    "resources:demand_edit": (WRITE, "post"),
    "resources:demand_remove": (WRITE, "post"),
}

W = "/api/v1/workspaces/{slug}"
OPERATIONS: dict = {
    f"GET {W}/pools": READ,
    f"POST {W}/pools": WRITE,
    f"GET {W}/pools/{{pool_id}}": READ,
    f"PATCH {W}/pools/{{pool_id}}": WRITE,
    f"DELETE {W}/pools/{{pool_id}}": WRITE,
    f"GET {W}/pools/{{pool_id}}/capacities": READ,
    f"PUT {W}/pools/{{pool_id}}/capacities": WRITE,
    f"GET {W}/utilisation": READ,
    f"GET {W}/campaigns": READ,
    f"POST {W}/campaigns": WRITE,
    f"GET {W}/campaigns/{{campaign_number}}": READ,
    f"PATCH {W}/campaigns/{{campaign_number}}": WRITE,
    f"DELETE {W}/campaigns/{{campaign_number}}": WRITE,
    f"POST {W}/campaigns/{{campaign_number}}/status": WRITE,
    f"GET {W}/campaigns/{{campaign_number}}/demands": READ,
    f"POST {W}/campaigns/{{campaign_number}}/demands": WRITE,
    f"GET {W}/requirements/{{number}}/demands": READ,
    f"POST {W}/requirements/{{number}}/demands": WRITE,
    f"PATCH {W}/demands/{{demand_id}}": WRITE,
    f"DELETE {W}/demands/{{demand_id}}": WRITE,
}


def world(ctx, base: dict) -> dict:
    """URL kwargs of objects this app's routes point at (``base`` holds the shared ones)."""
    from truce.requirements.models import Requirement
    from truce.resources import services

    pool = services.pool_create(ctx=ctx, name="研发人日", kind="days", side="product")
    campaign = services.campaign_create(ctx=ctx, title="双十二大促", channel="event")
    requirement = Requirement.objects.get(workspace=ctx.workspace, number=base["number"])
    demand = services.demand_add(
        ctx=ctx, pool=pool, start=date(2026, 12, 1), amount=5, requirement=requirement
    )
    return {"pool_id": pool.pk, "campaign_number": campaign.number, "demand_id": demand.pk}


def valid_body(op: str) -> dict | None:
    """A valid JSON body for ``op`` (so a viewer's 403 is not masked by a 422), or None."""
    if op.endswith("/capacities"):
        return {"capacities": [{"period": "2026-12", "amount": 10}]}
    if op.endswith("/demands"):
        return {"pool_id": 1, "period": "2026-12", "amount": 1}
    if "/demands/" in op:
        return {"amount": 2}
    if op.endswith("/status"):
        return {"status": "proposed"}
    if "/campaigns" in op:
        return {"title": "x", "channel": "push"}
    if "/pools" in op:
        return {"name": "x", "kind": "days", "side": "shared"}
    return None
