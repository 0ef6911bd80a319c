"""Access-matrix entries of planning: see tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

PAGES: dict = {
    "planning:scenarios": ("read", "get"),
    "planning:scenario_new": ("write", "get"),
    "planning:compare": ("read", "get"),
    "planning:scenario": ("read", "get"),
    "planning:scenario_edit": ("write", "get"),
    "planning:scenario_delete": ("write", "post"),
    "planning:run_start": ("write", "post"),
    "planning:run": ("read", "get"),
    "planning:explain": ("read", "get"),
    "planning:adopt": ("write", "post"),
    "planning:publish": ("write", "post"),
    "planning:plan": ("read", "get"),
    "planning:plan_sign": ("write", "post"),
}
B = "/api/v1/workspaces/{slug}/planning"
OPERATIONS: dict = {
    f"GET {B}/scenarios": "read",
    f"POST {B}/scenarios": "write",
    f"GET {B}/scenarios/{{scenario_id}}": "read",
    f"PATCH {B}/scenarios/{{scenario_id}}": "write",
    f"DELETE {B}/scenarios/{{scenario_id}}": "write",
    f"POST {B}/scenarios/{{scenario_id}}/runs": "write",
    f"GET {B}/scenarios/{{scenario_id}}/runs": "read",
    f"GET {B}/runs/{{run_id}}": "read",
    f"GET {B}/runs/{{run_id}}/pareto": "read",
    f"POST {B}/runs/{{run_id}}/adopt": "write",
    f"GET {B}/runs/{{run_id}}/items/{{item_key}}/explanation": "read",
    f"GET {B}/compare": "read",
    f"POST {B}/runs/{{run_id}}/publish": "write",
    f"GET {B}/plans": "read",
    f"GET {B}/plans/{{plan_id}}": "read",
    f"POST {B}/plans/{{plan_id}}/sign": "write",
}


def world(ctx, base: dict) -> dict:
    """URL kwargs of objects this app's routes point at (``base`` holds the shared ones)."""
    from truce.goals.models import Period
    from truce.planning import services
    from truce.planning.tests.factories import pools

    pools(ctx.workspace, date(2026, 7, 1))
    period = Period.objects.get(pk=base["period_id"])
    scenario = services.scenario_create(
        ctx=ctx, name="access", period=period, picked=[f"R{base['number']}"]
    )
    from truce.requirements.models import Requirement
    from truce.resources.models import Demand

    req = Requirement.objects.get(workspace=ctx.workspace, number=base["number"])
    Requirement.objects.filter(pk=req.pk).update(product_score=0.5, operations_score=0.5)
    Demand.objects.create(pool=scenario.workspace.resource_pools.first(), start=date(2026, 7, 1),
                          amount=3, requirement=req)  # fmt: skip
    run = services.run_start(ctx=ctx, scenario=scenario)
    run = services.run_execute(run.pk)
    plan = services.plan_publish(ctx=ctx, run=run)
    return {
        "scenario_id": scenario.pk,
        "run_id": run.pk,
        "plan_id": plan.pk,
        "item_key": f"R{base['number']}",
    }


def valid_body(op: str) -> dict | None:
    """A valid JSON body for ``op`` (so a viewer's 403 is not masked by a 422), or None."""
    if op.endswith("/adopt"):
        return {"point": 0}
    if op.endswith("/scenarios") or ("/scenarios/{scenario_id}" in op and op.startswith("PATCH")):
        return {"name": "x"}
    return None
