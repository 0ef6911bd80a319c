"""API for responsibilities: templates, the RACI matrix of a requirement, the report.

Concurrency is per row, like the page: each row has its own ETag (``W/"<activity id>-<version>"``)
and a PUT replaces one row, so two people filling different activities never collide.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Header, Query, Router

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_requirement, access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import NotFound
from truce.domain import raci
from truce.responsibilities import selectors, services
from truce.responsibilities.models import Activity, WorkType
from truce.responsibilities.schemas import (
    ActivityIn,
    ActivityOut,
    MatrixOut,
    ReportOut,
    RowIn,
    RowOut,
    WorkTypeName,
)

router = Router(tags=["responsibilities"])
BASE = "/workspaces/{slug}"


def _activity(ctx, activity_id: int, **filters) -> Activity:
    found = Activity.objects.filter(workspace=ctx.workspace, pk=activity_id, **filters).first()
    if found is None:
        raise NotFound()
    return found


@router.get(BASE + "/raci/templates", response={200: list[ActivityOut], **COMMON_ERRORS})
def template_list(request, slug: str, work_type: WorkTypeName = "feature"):
    ctx = access_workspace(request.user, slug)
    return services.activities_for(ctx.workspace, work_type)


@router.put(BASE + "/raci/templates/{activity_id}", response={200: ActivityOut, **WRITE_ERRORS})
def template_update(
    request,
    response: HttpResponse,
    slug: str,
    activity_id: int,
    payload: ActivityIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Admins and leads only."""
    ctx = access_workspace(request.user, slug, write=True)
    activity = _activity(ctx, activity_id)
    version = version_from_if_match(if_match, pk=activity.pk)
    services.activity_update(ctx=ctx, activity=activity, expected_version=version, **payload.dict())
    response["ETag"] = activity.etag
    return activity


def _row_out(row: selectors.MatrixRow) -> dict:
    a = row.activity
    return {
        "activity_id": a.pk,
        "key": a.key,
        "name": a.name,
        "name_zh": a.name_zh,
        "version": row.version,
        "etag": row.etag,
        "gap": row.is_gap,
        "assignments": [
            {"member_id": m.pk, "username": m.user.username, "side": m.side, "letter": letter}
            for m, letter in row.cells
            if letter
        ],
    }


@router.get(BASE + "/requirements/{number}/raci", response={200: MatrixOut, **COMMON_ERRORS})
def matrix_detail(request, slug: str, number: int):
    ctx, r = access_requirement(request.user, slug, number)
    rows = selectors.matrix(ctx.workspace, r)["rows"]
    return {"number": r.number, "rows": [_row_out(row) for row in rows]}


@router.put(
    BASE + "/requirements/{number}/raci/{activity_id}", response={200: RowOut, **WRITE_ERRORS}
)
def row_replace(
    request,
    response: HttpResponse,
    slug: str,
    number: int,
    activity_id: int,
    payload: RowIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Replace every letter of one activity row; If-Match is the row's ETag (version 0 for a
    row nobody has saved yet)."""
    ctx, r = access_requirement(request.user, slug, number, write=True)
    activity = _activity(ctx, activity_id, work_type=WorkType.FEATURE)
    version = version_from_if_match(if_match, pk=activity.pk)
    services.row_save(
        ctx=ctx,
        requirement=r,
        activity=activity,
        expected_version=version,
        cells=[(c.member_id, c.letter) for c in payload.assignments],
    )
    members = list(selectors.members_of(ctx.workspace))
    row = selectors.matrix_row(r, activity, members)
    response["ETag"] = row.etag
    return _row_out(row)


def _brief(r) -> dict:
    return {"number": r.number, "title": r.title, "status": r.status}


@router.get(BASE + "/raci/report", response={200: ReportOut, **COMMON_ERRORS})
def report(request, slug: str, overload: int = Query(raci.OVERLOAD_THRESHOLD, ge=1, le=1000)):
    """Gaps, overlaps, people over ``overload`` Accountables, and hand-offs between sides."""
    ctx = access_workspace(request.user, slug)
    data = selectors.workspace_report(ctx.workspace, overload)
    return {
        "threshold": data["threshold"],
        "gap_count": data["gap_count"],
        "gaps": [
            {"requirement": _brief(r), "activities": [a.key for a in missing]}
            for r, missing in data["gaps"]
        ],
        "overlaps": [
            {
                "activity": o.activity.key,
                "product": [r.number for r in o.product],
                "operations": [r.number for r in o.operations],
                "product_count": o.product_count,
                "operations_count": o.operations_count,
            }
            for o in data["overlaps"]
        ],
        "overloaded": [
            {"member_id": m.pk, "username": m.user.username, "side": m.side, "accountable": n}
            for m, n in data["overloaded"]
            if m is not None
        ],
        "handoff_count": data["handoff_count"],
        "handoffs": [
            {
                "requirement": _brief(h["req"]),
                "from_activity": h["first"].key,
                "to_activity": h["second"].key,
                "from_side": h["from_side"].value,
                "to_side": h["to_side"].value,
            }
            for h in data["handoffs"]
        ],
    }
