"""API for the requirements pool: list with filters, CRUD, status moves, prerequisites."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_requirement, access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed
from truce.core.history import history_of
from truce.requirements import scoring, services
from truce.requirements.models import Requirement
from truce.requirements.schemas import (
    BulkStatusIn,
    BulkStatusOut,
    ChangeOut,
    PrerequisiteIn,
    RequirementIn,
    RequirementOut,
    RequirementPage,
    RequirementPatch,
    RequirementRef,
    ScorecardIn,
    ScorecardOut,
    ScoresIn,
    ScoresOut,
    SideName,
    SimilarOut,
    SortName,
    StatusIn,
    StatusName,
)
from truce.requirements.selectors import (
    RequirementFilter,
    list_requirements,
    with_list_relations,
)
from truce.requirements.similar import similar_requirements

router = Router(tags=["requirements"])
BASE = "/workspaces/{slug}/requirements"


class ListQuery(Schema):
    status: list[StatusName] = Field(default_factory=list)
    owner: int | None = None
    tag: str = Field("", max_length=40)
    side: SideName | None = None
    segment: str = Field("", pattern="^[ABC]?$")
    contested: bool | None = None
    q: str = Field("", max_length=200)
    sort: SortName = "newest"
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


def out(r: Requirement) -> dict:
    return {
        **{
            f: getattr(r, f)
            for f in (
                "number",
                "title",
                "description",
                "description_html",
                "kind",
                "origin_side",
                "status",
                "estimate_days",
                "estimate_budget",
                "product_score",
                "operations_score",
                "priority",
                "contested",
                "contest_reasons",
                "demand_value",
                "demand_customers",
                "top_segment",
                "version",
                "created_at",
                "updated_at",
            )
        },
        "owner": r.owner,
        "parent_number": r.parent.number if r.parent_id else None,
        "tags": sorted(t.name for t in r.tags.all()),
    }


def _resolve(ctx, payload: dict) -> dict:
    """Turn ids and numbers from the payload into objects of this workspace."""
    fields = {}
    if "owner_id" in payload:
        owner_id = payload.pop("owner_id")
        fields["owner"] = User.objects.filter(pk=owner_id).first() if owner_id else None
        if owner_id and fields["owner"] is None:
            raise ValidationFailed(fields={"owner_id": [_("Unknown user.")]})
    if "parent_number" in payload:
        number = payload.pop("parent_number")
        fields["parent"] = _by_number(ctx, number, "parent_number") if number else None
    return {**payload, **fields}


def _by_number(ctx, number: int, field: str) -> Requirement:
    found = Requirement.objects.filter(workspace=ctx.workspace, number=number).first()
    if found is None:
        raise ValidationFailed(fields={field: [_("No requirement with this number here.")]})
    return found


@router.get(BASE, response={200: RequirementPage, **COMMON_ERRORS})
def requirement_list(request, slug: str, query: Query[ListQuery]):
    ctx = access_workspace(request.user, slug)
    f = RequirementFilter(
        status=tuple(query.status),
        owner=query.owner,
        tag=query.tag,
        side=query.side or "",
        segment=query.segment,
        contested=query.contested,
        q=query.q,
        sort=query.sort,
    )
    found = list_requirements(ctx.workspace, f)
    start = (query.page - 1) * query.page_size
    rows = with_list_relations(found.rows.select_related("parent"))[start : start + query.page_size]
    return {
        "count": found.count,
        "more": found.more,
        "page": query.page,
        "page_size": query.page_size,
        "items": [out(r) for r in rows],
    }


@router.get(BASE + "-similar", response={200: list[SimilarOut], **COMMON_ERRORS})
def requirement_similar(
    request, slug: str, text: str = Query("", max_length=1000), limit: int = Query(5, ge=1, le=20)
):
    """Likely duplicates of ``text`` (a title or a feedback item), best first."""
    ctx = access_workspace(request.user, slug)
    return [
        {"number": s.requirement.number, "title": s.requirement.title,
         "status": s.requirement.status, "score": s.score}
        for s in similar_requirements(ctx.workspace, text, limit)
    ]  # fmt: skip


@router.post(BASE, response={201: RequirementOut, **WRITE_ERRORS})
def requirement_create(request, response: HttpResponse, slug: str, payload: RequirementIn):
    ctx = access_workspace(request.user, slug, write=True)
    data = _resolve(ctx, payload.dict())
    r = services.requirement_create(
        ctx=ctx, **{k: v for k, v in data.items() if v is not None or k in ("owner", "parent")}
    )
    response["ETag"] = r.etag
    return Status(201, out(r))


@router.get(BASE + "/{number}", response={200: RequirementOut, **COMMON_ERRORS})
def requirement_detail(request, response: HttpResponse, slug: str, number: int):
    _, r = access_requirement(request.user, slug, number)
    response["ETag"] = r.etag
    return out(r)


@router.patch(BASE + "/{number}", response={200: RequirementOut, **WRITE_ERRORS})
def requirement_update(
    request,
    response: HttpResponse,
    slug: str,
    number: int,
    payload: RequirementPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, r = access_requirement(request.user, slug, number, write=True)
    version = version_from_if_match(if_match, pk=r.pk)
    data = _resolve(ctx, payload.dict(exclude_unset=True))
    services.requirement_update(ctx=ctx, requirement=r, expected_version=version, **data)
    response["ETag"] = r.etag
    return out(r)


@router.post(BASE + "/{number}/status", response={200: RequirementOut, **WRITE_ERRORS})
def requirement_move(
    request,
    response: HttpResponse,
    slug: str,
    number: int,
    payload: StatusIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, r = access_requirement(request.user, slug, number, write=True)
    version = version_from_if_match(if_match, pk=r.pk)
    services.requirement_move(
        ctx=ctx, requirement=r, status=payload.status, expected_version=version
    )
    response["ETag"] = r.etag
    return out(r)


@router.post(BASE + "-bulk-status", response={200: BulkStatusOut, **WRITE_ERRORS})
def requirement_bulk_move(request, slug: str, payload: BulkStatusIn):
    ctx = access_workspace(request.user, slug, write=True)
    moved = services.requirement_bulk_move(ctx=ctx, numbers=payload.numbers, status=payload.status)
    return {"moved": moved}


@router.get(BASE + "/{number}/prerequisites", response={200: list[RequirementRef], **COMMON_ERRORS})
def prerequisite_list(request, slug: str, number: int):
    _, r = access_requirement(request.user, slug, number)
    return list(r.prerequisites.order_by("number"))


@router.post(BASE + "/{number}/prerequisites", response={201: RequirementRef, **WRITE_ERRORS})
def prerequisite_add(request, slug: str, number: int, payload: PrerequisiteIn):
    ctx, r = access_requirement(request.user, slug, number, write=True)
    prereq = _by_number(ctx, payload.number, "number")
    services.prerequisite_add(ctx=ctx, requirement=r, prerequisite=prereq)
    return Status(201, prereq)


@router.delete(BASE + "/{number}/prerequisites/{prereq}", response={204: None, **WRITE_ERRORS})
def prerequisite_remove(request, slug: str, number: int, prereq: int):
    ctx, r = access_requirement(request.user, slug, number, write=True)
    services.prerequisite_remove(
        ctx=ctx, requirement=r, prerequisite=_by_number(ctx, prereq, "prereq")
    )
    return Status(204, None)


@router.get(BASE + "/{number}/history", response={200: list[ChangeOut], **COMMON_ERRORS})
def requirement_history(request, slug: str, number: int):
    _, r = access_requirement(request.user, slug, number)
    return [
        {
            "verb": c.verb,
            "actor": c.actor.username if c.actor else None,
            "changes": c.changes,
            "created_at": c.created_at,
        }
        for c in history_of(r)
    ]


def _scorecard_out(card, criteria) -> dict:
    return {
        **{
            f: getattr(card, f)
            for f in (
                "method",
                "product_weight",
                "operations_weight",
                "contested_threshold",
                "disagreement_threshold",
                "fit_from_goals",
                "version",
            )
        },
        "criteria": criteria,
    }


@router.get("/workspaces/{slug}/scorecard", response={200: ScorecardOut, **COMMON_ERRORS})
def scorecard_detail(request, response: HttpResponse, slug: str):
    ctx = access_workspace(request.user, slug)
    card, criteria = scoring.scorecard_for(ctx.workspace)
    response["ETag"] = card.etag
    return _scorecard_out(card, criteria)


@router.put("/workspaces/{slug}/scorecard", response={200: ScorecardOut, **WRITE_ERRORS})
def scorecard_update(
    request,
    response: HttpResponse,
    slug: str,
    payload: ScorecardIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx = access_workspace(request.user, slug, write=True)
    card, _ = scoring.scorecard_for(ctx.workspace)
    version = version_from_if_match(if_match, pk=card.pk)
    card = scoring.scorecard_update(ctx=ctx, expected_version=version, **payload.dict())
    response["ETag"] = card.etag
    return _scorecard_out(card, scoring.scorecard_for(ctx.workspace)[1])


def _scores_out(r: Requirement) -> dict:
    rows = r.scores.select_related("criterion", "scorer").order_by("criterion__position")
    return {
        **{
            f: getattr(r, f)
            for f in (
                "product_score",
                "operations_score",
                "priority",
                "contested",
                "contest_reasons",
            )
        },
        "scores": [
            {
                "criterion": s.criterion.key,
                "scorer": s.scorer.username,
                "value": s.value,
                "note": s.note,
                "updated_at": s.updated_at,
            }
            for s in rows
        ],
    }


@router.get(BASE + "/{number}/scores", response={200: ScoresOut, **COMMON_ERRORS})
def scores_detail(request, slug: str, number: int):
    _, r = access_requirement(request.user, slug, number)
    return _scores_out(r)


@router.put(BASE + "/{number}/scores", response={200: ScoresOut, **WRITE_ERRORS})
def scores_set(request, slug: str, number: int, payload: ScoresIn):
    """Set the caller's own scores; each side may score only its lens (leads both)."""
    ctx, r = access_requirement(request.user, slug, number, write=True)
    scoring.scores_set(ctx=ctx, requirement=r, values=payload.scores, note=payload.note)
    return _scores_out(r)
