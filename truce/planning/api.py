"""API of planning: scenarios, runs (202 + poll), results, Pareto points, adopting a point,
explanations, comparison, publishing a plan and signing it."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS, ErrorOut
from truce.core import jobs
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed
from truce.goals.models import Period
from truce.planning import engine, layout, selectors, services
from truce.planning.access import access_plan, access_run, access_scenario
from truce.planning.models import PeriodPlan, Run, RunStatus, Scenario
from truce.planning.schemas import (
    AdoptIn,
    CompareOut,
    CompareQuery,
    ExplanationOut,
    ParetoOut,
    PlanOut,
    PlanSignatureOut,
    RunBrief,
    RunOut,
    RunStarted,
    ScenarioIn,
    ScenarioOut,
    ScenarioPatch,
)

router = Router(tags=["planning"])
BASE = "/workspaces/{slug}/planning"
ITEM_FIELDS = ("id", "kind", "ref", "title", "side", "owner", "status", "product", "operations")


def _fields(ctx, data: dict) -> dict:
    if "period_id" in data:
        period_id = data.pop("period_id")
        data["period"] = None
        if period_id:
            data["period"] = Period.objects.filter(workspace=ctx.workspace, pk=period_id).first()
            if data["period"] is None:
                raise ValidationFailed(fields={"period_id": [_("No period with this id here.")]})
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        data["owner"] = None
        if owner_id:
            data["owner"] = User.objects.filter(
                pk=owner_id, memberships__workspace=ctx.workspace
            ).first()
            if data["owner"] is None:
                raise ValidationFailed(
                    fields={"owner_id": [_("The owner must be a member of this workspace.")]}
                )
    for name, value in list(data.items()):
        if value is None and name not in ("period", "owner"):
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    return data


def _brief(run: Run) -> dict:
    """The run's status fields; ``error`` in the caller's language when it was interrupted."""
    out = {f: getattr(run, f) for f in RunBrief.model_fields}
    out["error"] = run.display_error
    return out


def _run_out(run: Run) -> dict:
    inputs, result = run.inputs, run.result
    items = [
        {k: row[k] for k in ITEM_FIELDS}
        | {"customer": row["customer"], "pulled_in": row["pulled_in"]}
        for row in inputs.get("items", [])
    ]
    out = {
        **_brief(run),
        "previous_id": run.previous_id,
        "periods": inputs.get("periods", []),
        "pools": inputs.get("pools", {}),
        "capacity": inputs.get("capacity", {}),
        "items": items,
        "result": None,
    }
    if run.status == RunStatus.DONE:
        out["result"] = result | {"explanations": engine.current_explanations(result)}
    return out


def _plan_out(plan: PeriodPlan) -> dict:
    state = selectors.plan_signoff(plan)
    return {
        "id": plan.pk,
        "period_id": plan.period_id,
        "period": plan.period.name,
        "scenario_id": plan.scenario_id,
        "run_id": plan.run_id,
        "items": plan.content["items"],
        "values": plan.content["values"],
        "content_hash": plan.content_hash,
        "published_at": plan.published_at,
        "agreed": state.agreed,
        "required": state.required,
        "signatures": [_signature_out(s, s in state.valid) for s in state.valid + state.stale],
        "apply_report": plan.apply_report,
        "version": plan.version,
    }


def _signature_out(s, counts: bool) -> dict:
    return {
        "signer": s.signer.username,
        "capacity": s.capacity,
        "signed_at": s.signed_at,
        "plan_hash": s.plan_hash,
        "counts": counts,
    }


# Scenarios --------------------------------------------------------------------------------------


@router.get(BASE + "/scenarios", response={200: list[ScenarioOut], **COMMON_ERRORS})
def scenario_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    return list(Scenario.objects.for_workspace(ctx.workspace))


@router.post(BASE + "/scenarios", response={201: ScenarioOut, **WRITE_ERRORS})
def scenario_create(request, response: HttpResponse, slug: str, payload: ScenarioIn):
    ctx = access_workspace(request.user, slug, write=True)
    scenario = services.scenario_create(ctx=ctx, **_fields(ctx, payload.dict()))
    response["ETag"] = scenario.etag
    return Status(201, scenario)


@router.get(BASE + "/scenarios/{scenario_id}", response={200: ScenarioOut, **COMMON_ERRORS})
def scenario_detail(request, response: HttpResponse, slug: str, scenario_id: int):
    _ctx, scenario = access_scenario(request.user, slug, scenario_id)
    response["ETag"] = scenario.etag
    return scenario


@router.patch(BASE + "/scenarios/{scenario_id}", response={200: ScenarioOut, **WRITE_ERRORS})
def scenario_update(
    request,
    response: HttpResponse,
    slug: str,
    scenario_id: int,
    payload: ScenarioPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, scenario = access_scenario(request.user, slug, scenario_id, write=True)
    version = version_from_if_match(if_match, pk=scenario.pk)
    data = _fields(ctx, payload.dict(exclude_unset=True))
    services.scenario_update(ctx=ctx, scenario=scenario, expected_version=version, **data)
    response["ETag"] = scenario.etag
    return scenario


@router.delete(BASE + "/scenarios/{scenario_id}", response={204: None, **WRITE_ERRORS})
def scenario_delete(
    request, slug: str, scenario_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    ctx, scenario = access_scenario(request.user, slug, scenario_id, write=True)
    version = version_from_if_match(if_match, pk=scenario.pk)
    services.scenario_delete(ctx=ctx, scenario=scenario, expected_version=version)
    return Status(204, None)


# Runs -------------------------------------------------------------------------------------------


@router.post(BASE + "/scenarios/{scenario_id}/runs", response={202: RunStarted, **WRITE_ERRORS})
def run_start(request, slug: str, scenario_id: int):
    """Queue a run; poll ``GET …/runs/{id}`` until its status is done or failed."""
    ctx, scenario = access_scenario(request.user, slug, scenario_id, write=True)
    run = services.run_start(ctx=ctx, scenario=scenario)
    url = f"/api/v1/workspaces/{slug}/planning/runs/{run.pk}"
    return Status(202, {"id": run.pk, "status": run.status, "url": url})


@router.get(BASE + "/scenarios/{scenario_id}/runs", response={200: list[RunBrief], **COMMON_ERRORS})
def run_list(request, slug: str, scenario_id: int):
    _ctx, scenario = access_scenario(request.user, slug, scenario_id)
    runs = list(Run.objects.filter(scenario=scenario).defer("inputs", "result")[:100])
    jobs.reap_shown(runs)
    return [_brief(run) for run in runs]


@router.get(BASE + "/runs/{run_id}", response={200: RunOut, **COMMON_ERRORS})
def run_detail(request, response: HttpResponse, slug: str, run_id: int):
    """Status and progress; with the full result once done. A run whose worker was killed is
    reported failed with ``interrupted`` true: start the scenario again."""
    _ctx, run = access_run(request.user, slug, run_id)
    jobs.reap_shown([run])
    response["ETag"] = run.etag
    return _run_out(run)


@router.get(BASE + "/runs/{run_id}/pareto", response={200: ParetoOut, **COMMON_ERRORS})
def run_pareto(request, slug: str, run_id: int):
    _ctx, run = access_run(request.user, slug, run_id)
    if run.status != RunStatus.DONE:
        return {"points": [], "complete": False}
    points = layout.pareto_points(run.result)
    return {"points": points, "complete": run.result["pareto"]["complete"]}


@router.post(BASE + "/runs/{run_id}/adopt", response={200: RunOut, **WRITE_ERRORS})
def run_adopt(
    request,
    response: HttpResponse,
    slug: str,
    run_id: int,
    payload: AdoptIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Make a Pareto point (by index) the run's selection."""
    ctx, run = access_run(request.user, slug, run_id, write=True)
    version = version_from_if_match(if_match, pk=run.pk)
    services.run_adopt(ctx=ctx, run=run, point=payload.point, expected_version=version)
    response["ETag"] = run.etag
    return _run_out(run)


@router.get(
    BASE + "/runs/{run_id}/items/{item_key}/explanation",
    response={200: ExplanationOut, **COMMON_ERRORS, 409: ErrorOut},
)
def run_explain(request, slug: str, run_id: int, item_key: str):
    """Why the item is in or out of the run's current selection."""
    _ctx, run = access_run(request.user, slug, run_id)
    return {"item": item_key, **services.run_explain(run=run, item_id=item_key)}


@router.get(BASE + "/compare", response={200: CompareOut, **COMMON_ERRORS})
def compare(request, slug: str, query: Query[CompareQuery]):
    """Two or three finished runs side by side."""
    ctx = access_workspace(request.user, slug)
    runs = query.runs
    found = list(
        Run.objects.filter(workspace=ctx.workspace, pk__in=runs[:3], status=RunStatus.DONE)
        .select_related("scenario")
        .defer(*selectors.DOCUMENTS)
        .order_by("id")
    )
    if len(found) < 2 or len(set(runs)) > 3:
        raise ValidationFailed(fields={"runs": [_("Choose two or three finished runs.")]})
    data = selectors.compare(found)
    selected = selectors.selections(found)
    keys = ("id", "kind", "ref", "title", "side")
    return {
        "runs": [
            {
                "run_id": c["run"].pk,
                "scenario": c["run"].scenario.name,
                "number": c["run"].number,
                "values": c["values"],
                "objective": c["objective"],
                "selected": selected[c["run"].pk],
                "utilisation": c["utilisation"],
            }
            for c in data["columns"]
        ],
        "items": [{k: i[k] for k in keys} | {"in": i["in"]} for i in data["items"]],
    }


# Plans ------------------------------------------------------------------------------------------


@router.post(BASE + "/runs/{run_id}/publish", response={201: PlanOut, **WRITE_ERRORS})
def publish(request, slug: str, run_id: int):
    """Publish the run's selection as its scenario period's plan (reopens sign-off if it
    differs from what was signed)."""
    ctx, run = access_run(request.user, slug, run_id, write=True)
    return Status(201, _plan_out(services.plan_publish(ctx=ctx, run=run)))


@router.get(BASE + "/plans", response={200: list[PlanOut], **COMMON_ERRORS})
def plan_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    plans = PeriodPlan.objects.filter(workspace=ctx.workspace).select_related("period")
    return [_plan_out(p) for p in plans[:50]]


@router.get(BASE + "/plans/{plan_id}", response={200: PlanOut, **COMMON_ERRORS})
def plan_detail(request, response: HttpResponse, slug: str, plan_id: int):
    _ctx, plan = access_plan(request.user, slug, plan_id)
    response["ETag"] = plan.etag
    return _plan_out(plan)


@router.post(BASE + "/plans/{plan_id}/sign", response={201: PlanSignatureOut, **WRITE_ERRORS})
def plan_sign(
    request,
    slug: str,
    plan_id: int,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description="The content_hash you reviewed: refused with 412 if the plan changed since.",
    ),
):
    """Sign the plan as it is now, as product, operations or lead."""
    ctx, plan = access_plan(request.user, slug, plan_id, write=True)
    expected = (if_match or "").strip().strip('"') or None
    signature = services.plan_sign(ctx=ctx, plan=plan, expected_hash=expected)
    return Status(201, _signature_out(signature, True))
