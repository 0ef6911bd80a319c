"""API of conflicts: open, argue with evidence, escalate, decide; detection; and the
collaboration-health measures. Updates need If-Match with the ETag last read."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema
from ninja.responses import Status

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.conflicts import health, services
from truce.conflicts.access import access_conflict, access_evidence
from truce.conflicts.models import Conflict
from truce.conflicts.schemas import (
    ConflictDetailOut,
    ConflictIn,
    ConflictOut,
    ConflictPatch,
    DecideIn,
    DetectOut,
    EvidenceIn,
    EvidenceOut,
    HealthOut,
    MoveIn,
    SourceName,
    StatusName,
)
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed

router = Router(tags=["conflicts"])
BASE = "/workspaces/{slug}/conflicts"
ONE = BASE + "/{conflict_number}"


def _out(c: Conflict) -> dict:
    fields = ("number", "title", "source", "status", "product_position", "operations_position",
              "escalated_at", "decided_at", "created_at", "version")  # fmt: skip
    return {
        **{f: getattr(c, f) for f in fields},
        "requirement": c.requirement.number if c.requirement_id else None,
        "launch": c.launch.number if c.launch_id else None,
        "decision": c.decision.number if c.decision_id else None,
    }


def _detail(c: Conflict) -> dict:
    evidence = c.evidence.select_related("added_by")
    return {**_out(c), "evidence": [_evidence_out(e) for e in evidence]}


def _evidence_out(e) -> dict:
    return {f: getattr(e, f) for f in ("id", "side", "label", "url", "added_by", "created_at")}


class Filters(Schema):
    status: StatusName | None = None
    source: SourceName | None = None


@router.get(BASE, response={200: list[ConflictOut], **COMMON_ERRORS})
def conflict_list(request, slug: str, filters: Query[Filters]):
    ctx = access_workspace(request.user, slug)
    qs = Conflict.objects.filter(workspace=ctx.workspace).select_related(
        "requirement", "launch", "decision"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    return [_out(c) for c in qs.order_by("-number")[:500]]


@router.post(BASE, response={201: ConflictDetailOut, **WRITE_ERRORS})
def conflict_open(request, response: HttpResponse, slug: str, payload: ConflictIn):
    ctx = access_workspace(request.user, slug, write=True)
    data = payload.dict()
    links = {}
    if data.get("requirement"):
        from truce.requirements.models import Requirement

        links["requirement"] = Requirement.objects.filter(
            workspace=ctx.workspace, number=data["requirement"]
        ).first()
        if links["requirement"] is None:
            raise ValidationFailed(
                fields={"requirement": [_("No requirement with this number here.")]}
            )
    if data.get("launch"):
        from truce.launches.models import Launch

        links["launch"] = Launch.objects.filter(
            workspace=ctx.workspace, number=data["launch"]
        ).first()
        if links["launch"] is None:
            raise ValidationFailed(fields={"launch": [_("No launch with this number here.")]})
    c = services.conflict_open(
        ctx=ctx,
        title=data["title"],
        product_position=data["product_position"],
        operations_position=data["operations_position"],
        **links,
    )
    response["ETag"] = c.etag
    return Status(201, _detail(c))


@router.post(BASE + "-detect", response={200: DetectOut, **WRITE_ERRORS})
def detect(request, slug: str):
    """Look for causes now (contested scores, over-committed pools, RACI overlaps, launch date
    clashes); returns the numbers of the conflicts opened."""
    ctx = access_workspace(request.user, slug, write=True)
    return {"opened": [c.number for c in services.detect(ctx.workspace, get_language())]}


@router.get(ONE, response={200: ConflictDetailOut, **COMMON_ERRORS})
def conflict_detail(request, response: HttpResponse, slug: str, conflict_number: int):
    _ctx, c = access_conflict(request.user, slug, conflict_number)
    response["ETag"] = c.etag
    return _detail(c)


@router.patch(ONE, response={200: ConflictDetailOut, **WRITE_ERRORS})
def conflict_update(
    request,
    response: HttpResponse,
    slug: str,
    conflict_number: int,
    payload: ConflictPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, c = access_conflict(request.user, slug, conflict_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    data = payload.dict(exclude_unset=True)
    if "title" in data and data["title"] is None:
        raise ValidationFailed(fields={"title": [_("This field cannot be empty.")]})
    services.conflict_update(ctx=ctx, conflict=c, expected_version=version, **data)
    response["ETag"] = c.etag
    return _detail(c)


@router.post(ONE + "/status", response={200: ConflictDetailOut, **WRITE_ERRORS})
def conflict_move(
    request,
    response: HttpResponse,
    slug: str,
    conflict_number: int,
    payload: MoveIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Start discussing, or escalate to leadership (on the next sync agenda; leads told)."""
    ctx, c = access_conflict(request.user, slug, conflict_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    services.conflict_move(ctx=ctx, conflict=c, status=payload.status, expected_version=version)
    response["ETag"] = c.etag
    return _detail(c)


@router.post(ONE + "/decide", response={200: ConflictDetailOut, **WRITE_ERRORS})
def conflict_decide(
    request,
    response: HttpResponse,
    slug: str,
    conflict_number: int,
    payload: DecideIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Close with a decision: a new one from ``outcome`` (both positions go into the record)
    or an existing one by number."""
    ctx, c = access_conflict(request.user, slug, conflict_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    decision = None
    if payload.decision:
        from truce.meetings.models import Decision

        decision = Decision.objects.filter(workspace=ctx.workspace, number=payload.decision).first()
        if decision is None:
            raise ValidationFailed(fields={"decision": [_("No decision with this number here.")]})
    services.conflict_decide(
        ctx=ctx,
        conflict=c,
        expected_version=version,
        decision=decision,
        outcome=payload.outcome,
        rationale=payload.rationale,
    )
    response["ETag"] = c.etag
    return _detail(c)


@router.post(ONE + "/evidence", response={201: EvidenceOut, **WRITE_ERRORS})
def evidence_add(request, slug: str, conflict_number: int, payload: EvidenceIn):
    ctx, c = access_conflict(request.user, slug, conflict_number, write=True)
    return Status(201, _evidence_out(services.evidence_add(ctx=ctx, conflict=c, **payload.dict())))


@router.delete(ONE + "/evidence/{evidence_id}", response={204: None, **WRITE_ERRORS})
def evidence_remove(request, slug: str, conflict_number: int, evidence_id: int):
    ctx, c = access_conflict(request.user, slug, conflict_number, write=True)
    services.evidence_remove(ctx=ctx, evidence=access_evidence(c, evidence_id))
    return Status(204, None)


@router.get("/workspaces/{slug}/health", response={200: HealthOut, **COMMON_ERRORS})
def health_measures(request, slug: str):
    """Every collaboration-health measure per week (oldest first), with its definition."""
    ctx = access_workspace(request.user, slug)
    return health.dashboard(ctx.workspace, timezone.localdate())
