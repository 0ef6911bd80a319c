"""API for goals: periods, objectives, key results, check-ins, links, sign-off, alignment."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import NotFound, ValidationFailed
from truce.goals import selectors, services
from truce.goals.access import access_key_result, access_objective, access_period
from truce.goals.models import KeyResult, Objective, Period
from truce.goals.schemas import (
    AlignmentOut,
    CheckInIn,
    CheckInOut,
    GoalSettingsIn,
    GoalSettingsOut,
    KeyResultIn,
    KeyResultLinkIn,
    KeyResultOut,
    KeyResultPatch,
    LinkOut,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    PeriodDetailOut,
    PeriodIn,
    PeriodOut,
    SignatureOut,
)
from truce.requirements.models import Requirement

router = Router(tags=["goals"])
BASE = "/workspaces/{slug}/goals"


def _kr_out(kr: KeyResult) -> dict:
    if not hasattr(kr, "assessment"):
        selectors.annotate_key_result(kr, kr.objective.period)
    fields = (
        "id",
        "objective_id",
        "title",
        "unit",
        "baseline",
        "target",
        "current",
        "direction",
        "owner",
        "confidence",
        "weight",
        "version",
    )
    return {
        **{f: getattr(kr, f) for f in fields},
        "progress": kr.assessment.progress,
        "at_risk": kr.at_risk,
        "risk_reasons": kr.risk_messages,
    }


def _objective_out(o: Objective, krs=None) -> dict:
    fields = ("id", "title", "why", "side", "owner", "parent_id", "version")
    progress = getattr(o, "progress_pct", None)
    return {
        **{f: getattr(o, f) for f in fields},
        "progress": None if progress is None else progress / 100,
        "at_risk": getattr(o, "at_risk", False),
        "key_results": [_kr_out(kr) for kr in (krs if krs is not None else getattr(o, "krs", []))],
    }


def _period_detail(period: Period) -> dict:
    overview = selectors.period_overview(period)
    state = selectors.signoff_state(period)
    return {
        **{f: getattr(period, f) for f in ("id", "name", "start", "end", "version")},
        "objectives": [_objective_out(o) for o in overview["objectives"]],
        "signoff": {
            "agreed": state.agreed,
            "goal_hash": state.current_hash,
            "required": state.required,
            "signatures": [_signature_out(s, s in state.valid) for s in state.valid + state.stale],
        },
        "rule": overview["rule"],
    }


def _signature_out(s, counts: bool) -> dict:
    return {
        "signer": s.signer.username,
        "capacity": s.capacity,
        "signed_at": s.signed_at,
        "goal_hash": s.goal_hash,
        "counts": counts,
    }


def _member(ctx, user_id, field="owner_id"):
    if not user_id:
        return None
    found = User.objects.filter(pk=user_id, memberships__workspace=ctx.workspace).first()
    if found is None:
        raise ValidationFailed(fields={field: [_("The owner must be a member of this workspace.")]})
    return found


def _objective_fields(ctx, data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = _member(ctx, data.pop("owner_id"))
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = None
        if parent_id:
            data["parent"] = Objective.objects.filter(workspace=ctx.workspace, pk=parent_id).first()
            if data["parent"] is None:
                raise ValidationFailed(fields={"parent_id": [_("No objective with this id here.")]})
    return data


@router.get(BASE + "/periods", response={200: list[PeriodOut], **COMMON_ERRORS})
def period_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    return list(Period.objects.for_workspace(ctx.workspace))


@router.post(BASE + "/periods", response={201: PeriodOut, **WRITE_ERRORS})
def period_create(request, slug: str, payload: PeriodIn):
    ctx = access_workspace(request.user, slug, write=True)
    return Status(201, services.period_create(ctx=ctx, **payload.dict()))


@router.get(BASE + "/periods/{period_id}", response={200: PeriodDetailOut, **COMMON_ERRORS})
def period_detail(request, response: HttpResponse, slug: str, period_id: int):
    _ctx, period = access_period(request.user, slug, period_id)
    return _period_detail(period)


@router.post(BASE + "/periods/{period_id}/sign", response={201: SignatureOut, **WRITE_ERRORS})
def period_sign(
    request,
    slug: str,
    period_id: int,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        description="The goal_hash you reviewed: refused with 412 if the goals changed since.",
    ),
):
    """Sign the period's goal set as it is now, as product, operations or lead."""
    ctx, period = access_period(request.user, slug, period_id, write=True)
    expected = (if_match or "").strip().strip('"') or None
    signature = services.period_sign(ctx=ctx, period=period, expected_hash=expected)
    return Status(201, _signature_out(signature, True))


@router.get(BASE + "/periods/{period_id}/alignment", response={200: AlignmentOut, **COMMON_ERRORS})
def alignment(request, slug: str, period_id: int):
    _ctx, period = access_period(request.user, slug, period_id)
    data = selectors.alignment(period)

    def links(items):
        return [
            {
                "number": link.requirement.number,
                "title": link.requirement.title,
                "origin_side": link.requirement.origin_side,
                "contribution": link.contribution,
            }
            for link in items
        ]

    return {
        "key_results": [
            {
                "id": kr.pk,
                "title": kr.title,
                "at_risk": kr.at_risk,
                "product": links(kr.by_side["product"]),
                "operations": links(kr.by_side["operations"]),
            }
            for kr in data["key_results"]
        ],
        "idle_key_results": [kr.pk for kr in data["idle_key_results"]],
        "orphans": data["orphans"],
    }


@router.post(BASE + "/periods/{period_id}/objectives", response={201: ObjectiveOut, **WRITE_ERRORS})
def objective_create(
    request, response: HttpResponse, slug: str, period_id: int, payload: ObjectiveIn
):
    ctx, period = access_period(request.user, slug, period_id, write=True)
    data = _objective_fields(ctx, payload.dict())
    o = services.objective_create(ctx=ctx, period=period, **data)
    response["ETag"] = o.etag
    return Status(201, _objective_out(o, []))


@router.patch(BASE + "/objectives/{objective_id}", response={200: ObjectiveOut, **WRITE_ERRORS})
def objective_update(
    request,
    response: HttpResponse,
    slug: str,
    objective_id: int,
    payload: ObjectivePatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, o = access_objective(request.user, slug, objective_id, write=True)
    version = version_from_if_match(if_match, pk=o.pk)
    data = _objective_fields(ctx, payload.dict(exclude_unset=True))
    services.objective_update(ctx=ctx, objective=o, expected_version=version, **data)
    response["ETag"] = o.etag
    return _objective_out(o, list(o.key_results.select_related("objective__period", "owner")))


@router.post(
    BASE + "/objectives/{objective_id}/key-results", response={201: KeyResultOut, **WRITE_ERRORS}
)
def key_result_create(
    request, response: HttpResponse, slug: str, objective_id: int, payload: KeyResultIn
):
    ctx, o = access_objective(request.user, slug, objective_id, write=True)
    data = payload.dict()
    data["owner"] = _member(ctx, data.pop("owner_id"))
    kr = services.key_result_create(ctx=ctx, objective=o, **data)
    response["ETag"] = kr.etag
    return Status(201, _kr_out(kr))


@router.get(BASE + "/key-results/{kr_id}", response={200: KeyResultOut, **COMMON_ERRORS})
def key_result_detail(request, response: HttpResponse, slug: str, kr_id: int):
    _ctx, kr = access_key_result(request.user, slug, kr_id)
    response["ETag"] = kr.etag
    return _kr_out(kr)


@router.patch(BASE + "/key-results/{kr_id}", response={200: KeyResultOut, **WRITE_ERRORS})
def key_result_update(
    request,
    response: HttpResponse,
    slug: str,
    kr_id: int,
    payload: KeyResultPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, kr = access_key_result(request.user, slug, kr_id, write=True)
    version = version_from_if_match(if_match, pk=kr.pk)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _member(ctx, data.pop("owner_id"))
    for name in ("title", "baseline", "target", "direction", "weight", "unit"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    services.key_result_update(ctx=ctx, key_result=kr, expected_version=version, **data)
    response["ETag"] = kr.etag
    return _kr_out(kr)


@router.get(
    BASE + "/key-results/{kr_id}/check-ins", response={200: list[CheckInOut], **COMMON_ERRORS}
)
def check_in_list(request, slug: str, kr_id: int):
    _ctx, kr = access_key_result(request.user, slug, kr_id)
    return [
        {
            "value": c.value,
            "confidence": c.confidence,
            "note": c.note,
            "author": c.author.username if c.author else None,
            "created_at": c.created_at,
        }
        for c in kr.check_ins.select_related("author")
    ]


@router.post(BASE + "/key-results/{kr_id}/check-ins", response={201: KeyResultOut, **WRITE_ERRORS})
def check_in_create(request, response: HttpResponse, slug: str, kr_id: int, payload: CheckInIn):
    """Record a reading; it becomes the key result's current value and confidence."""
    ctx, kr = access_key_result(request.user, slug, kr_id, write=True)
    services.check_in_create(ctx=ctx, key_result=kr, **payload.dict())
    response["ETag"] = kr.etag
    return Status(201, _kr_out(kr))


@router.post(BASE + "/key-results/{kr_id}/links", response={201: LinkOut, **WRITE_ERRORS})
def link_add(request, slug: str, kr_id: int, payload: KeyResultLinkIn):
    ctx, kr = access_key_result(request.user, slug, kr_id, write=True)
    req = Requirement.objects.filter(workspace=ctx.workspace, number=payload.number).first()
    if req is None:
        raise ValidationFailed(fields={"number": [_("No requirement with this number here.")]})
    link = services.link_add(
        ctx=ctx, key_result=kr, requirement=req, contribution=payload.contribution
    )
    return Status(
        201,
        {
            "number": req.number,
            "title": req.title,
            "origin_side": req.origin_side,
            "contribution": link.contribution,
        },
    )


@router.delete(BASE + "/key-results/{kr_id}/links/{number}", response={204: None, **WRITE_ERRORS})
def link_remove(request, slug: str, kr_id: int, number: int):
    ctx, kr = access_key_result(request.user, slug, kr_id, write=True)
    req = Requirement.objects.filter(workspace=ctx.workspace, number=number).first()
    if req is None:
        raise NotFound()
    services.link_remove(ctx=ctx, key_result=kr, requirement=req)
    return Status(204, None)


@router.get(BASE + "/settings", response={200: GoalSettingsOut, **COMMON_ERRORS})
def goal_settings_detail(request, response: HttpResponse, slug: str):
    ctx = access_workspace(request.user, slug)
    found = services.goal_settings_for(ctx.workspace)
    response["ETag"] = found.etag
    return found


@router.put(BASE + "/settings", response={200: GoalSettingsOut, **WRITE_ERRORS})
def goal_settings_update(
    request,
    response: HttpResponse,
    slug: str,
    payload: GoalSettingsIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug, admin=True)
    current = services.goal_settings_for(ctx.workspace)
    version = version_from_if_match(if_match, pk=current.pk)
    found = services.goal_settings_update(
        ctx=ctx, requires_lead_signature=payload.requires_lead_signature, expected_version=version
    )
    response["ETag"] = found.etag
    return found
