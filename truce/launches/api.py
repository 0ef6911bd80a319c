"""API of launches: the launch, milestones, the readiness checklist, go/no-go votes, the
post-launch review and the timeline. Updates need If-Match with the ETag last read."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS, IsoDate
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed
from truce.launches import selectors, services
from truce.launches.access import access_item, access_launch, access_milestone
from truce.launches.models import Launch, Review
from truce.launches.schemas import (
    ChecklistIn,
    ChecklistItemOut,
    ItemIn,
    ItemPatch,
    LaunchDetailOut,
    LaunchIn,
    LaunchOut,
    LaunchPatch,
    LaunchStatusIn,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    ReviewIn,
    ReviewOut,
    StatusName,
    TimelineOut,
    VoteIn,
    VoteOut,
)

router = Router(tags=["launches"])
BASE = "/workspaces/{slug}/launches"
ONE = BASE + "/{launch_number}"


def _member(ctx, user_id, field="owner_id"):
    if not user_id:
        return None
    found = User.objects.filter(pk=user_id, memberships__workspace=ctx.workspace).first()
    if found is None:
        raise ValidationFailed(fields={field: [_("The owner must be a member of this workspace.")]})
    return found


def _launch_out(launch: Launch) -> dict:
    return {
        **{f: getattr(launch, f) for f in ("number", "name", "description", "target_date",
                                           "status", "launched_on", "version")},
        "requirements": sorted(r.number for r in launch.requirements.all()),
        "campaigns": sorted(c.number for c in launch.campaigns.all()),
    }  # fmt: skip


def _milestone_out(m) -> dict:
    fields = ("id", "kind", "name", "label", "due", "owner", "done", "version")
    return {f: getattr(m, f) for f in fields}


def _item_out(i) -> dict:
    fields = ("id", "text", "side", "owner", "blocking", "done", "version")
    return {f: getattr(i, f) for f in fields}


def _vote_out(v) -> dict:
    return {f: getattr(v, f) for f in ("seat", "go", "reason", "voter", "round", "created_at")}


def _detail(launch: Launch) -> dict:
    o = selectors.overview(launch)
    r, v = o.readiness, o.verdict
    return {
        **_launch_out(launch),
        "milestones": [_milestone_out(m) for m in o.milestones],
        "checklist": [_item_out(i) for i in o.checklist],
        "readiness": {
            "product": r.product,
            "operations": r.operations,
            "overall": r.overall,
            "open_blocking": r.open_blocking,
        },
        "verdict": {"outcome": v.outcome, "missing": list(v.missing), "against": list(v.against)},
        "votes": [_vote_out(x) for x in o.votes if x.round == launch.review_round],
        "warnings": o.warnings,
    }


class ListFilters(Schema):
    status: StatusName | None = None


@router.get(BASE, response={200: list[LaunchOut], **COMMON_ERRORS})
def launch_list(request, slug: str, filters: Query[ListFilters]):
    ctx = access_workspace(request.user, slug)
    qs = Launch.objects.filter(workspace=ctx.workspace).prefetch_related(
        "requirements", "campaigns"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    return [_launch_out(x) for x in qs.order_by("target_date", "number")]


@router.post(BASE, response={201: LaunchDetailOut, **WRITE_ERRORS})
def launch_create(request, response: HttpResponse, slug: str, payload: LaunchIn):
    ctx = access_workspace(request.user, slug, write=True)
    launch = services.launch_create(ctx=ctx, **payload.dict())
    response["ETag"] = launch.etag
    return Status(201, _detail(launch))


class TimelineFilters(Schema):
    start: IsoDate | None = None
    end: IsoDate | None = None
    status: StatusName | None = None


@router.get(BASE + "-timeline", response={200: TimelineOut, **COMMON_ERRORS})
def timeline(request, slug: str, filters: Query[TimelineFilters]):
    """Bars for launches and campaigns, points for milestones, for a Gantt-like chart."""
    ctx = access_workspace(request.user, slug)
    return selectors.timeline(
        ctx.workspace, start=filters.start, end=filters.end, status=filters.status or ""
    )


@router.get(ONE, response={200: LaunchDetailOut, **COMMON_ERRORS})
def launch_detail(request, response: HttpResponse, slug: str, launch_number: int):
    _ctx, launch = access_launch(request.user, slug, launch_number)
    response["ETag"] = launch.etag
    return _detail(launch)


@router.patch(ONE, response={200: LaunchDetailOut, **WRITE_ERRORS})
def launch_update(
    request,
    response: HttpResponse,
    slug: str,
    launch_number: int,
    payload: LaunchPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    version = version_from_if_match(if_match, pk=launch.pk)
    data = payload.dict(exclude_unset=True)
    for key in ("name", "target_date", "description"):
        if key in data and data[key] is None:
            raise ValidationFailed(fields={key: [_("This field cannot be empty.")]})
    services.launch_update(ctx=ctx, launch=launch, expected_version=version, **data)
    response["ETag"] = launch.etag
    return _detail(launch)


@router.post(ONE + "/status", response={200: LaunchDetailOut, **WRITE_ERRORS})
def launch_move(
    request,
    response: HttpResponse,
    slug: str,
    launch_number: int,
    payload: LaunchStatusIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Move along planning → ready for review → (votes) go → launched → reviewed."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    version = version_from_if_match(if_match, pk=launch.pk)
    services.launch_move(ctx=ctx, launch=launch, status=payload.status, expected_version=version)
    response["ETag"] = launch.etag
    return _detail(launch)


@router.post(ONE + "/milestones", response={201: MilestoneOut, **WRITE_ERRORS})
def milestone_add(
    request, response: HttpResponse, slug: str, launch_number: int, payload: MilestoneIn
):
    """Without owner_id the owner is the Accountable person in the scope's RACI matrix."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    data = payload.dict()
    data["owner"] = _member(ctx, data.pop("owner_id"))
    m = services.milestone_add(ctx=ctx, launch=launch, **data)
    response["ETag"] = m.etag
    return Status(201, _milestone_out(m))


@router.patch(ONE + "/milestones/{milestone_id}", response={200: MilestoneOut, **WRITE_ERRORS})
def milestone_update(
    request,
    response: HttpResponse,
    slug: str,
    launch_number: int,
    milestone_id: int,
    payload: MilestonePatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    m = access_milestone(ctx, launch, milestone_id)
    version = version_from_if_match(if_match, pk=m.pk)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _member(ctx, data.pop("owner_id"))
    for key in ("kind", "due", "done"):
        if key in data and data[key] is None:
            raise ValidationFailed(fields={key: [_("This field cannot be empty.")]})
    if "name" in data and data["name"] is None:
        data["name"] = ""
    services.milestone_update(ctx=ctx, milestone=m, expected_version=version, **data)
    response["ETag"] = m.etag
    return _milestone_out(m)


@router.delete(ONE + "/milestones/{milestone_id}", response={204: None, **WRITE_ERRORS})
def milestone_delete(
    request,
    slug: str,
    launch_number: int,
    milestone_id: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Send If-Match with the milestone's ETag (its id and version in the launch)."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    m = access_milestone(ctx, launch, milestone_id)
    version = version_from_if_match(if_match, pk=m.pk)
    services.milestone_delete(ctx=ctx, milestone=m, expected_version=version)
    return Status(204, None)


@router.post(ONE + "/checklist", response={201: ChecklistItemOut, **WRITE_ERRORS})
def item_add(request, response: HttpResponse, slug: str, launch_number: int, payload: ItemIn):
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    data = payload.dict()
    data["owner"] = _member(ctx, data.pop("owner_id"))
    item = services.item_add(ctx=ctx, launch=launch, **data)
    response["ETag"] = item.etag
    return Status(201, _item_out(item))


@router.post(ONE + "/checklist/apply", response={200: list[ChecklistItemOut], **WRITE_ERRORS})
def checklist_apply(request, slug: str, launch_number: int, payload: ChecklistIn):
    """Add the template's items the launch does not have yet."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    services.apply_checklist(ctx=ctx, launch=launch, key=payload.key)
    return [_item_out(i) for i in launch.checklist.select_related("owner")]


@router.patch(ONE + "/checklist/{check_id}", response={200: ChecklistItemOut, **WRITE_ERRORS})
def item_update(
    request,
    response: HttpResponse,
    slug: str,
    launch_number: int,
    check_id: int,
    payload: ItemPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    item = access_item(ctx, launch, check_id)
    version = version_from_if_match(if_match, pk=item.pk)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _member(ctx, data.pop("owner_id"))
    for key in ("text", "side", "blocking", "done"):
        if key in data and data[key] is None:
            raise ValidationFailed(fields={key: [_("This field cannot be empty.")]})
    services.item_update(ctx=ctx, item=item, expected_version=version, **data)
    response["ETag"] = item.etag
    return _item_out(item)


@router.delete(ONE + "/checklist/{check_id}", response={204: None, **WRITE_ERRORS})
def item_delete(
    request,
    slug: str,
    launch_number: int,
    check_id: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Send If-Match with the item's ETag (its id and version in the launch)."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    item = access_item(ctx, launch, check_id)
    version = version_from_if_match(if_match, pk=item.pk)
    services.item_delete(ctx=ctx, item=item, expected_version=version)
    return Status(204, None)


@router.post(ONE + "/votes", response={201: VoteOut, **WRITE_ERRORS})
def vote(request, slug: str, launch_number: int, payload: VoteIn):
    """Vote go or no-go for your seat (product, operations or lead); a no-go needs a reason."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    return Status(201, _vote_out(services.vote(ctx=ctx, launch=launch, **payload.dict())))


def _review_out(review: Review) -> dict:
    return {
        "went_well": review.went_well,
        "went_badly": review.went_badly,
        "lessons": review.lessons,
        "version": review.version,
        "decisions": sorted(review.decisions.values_list("number", flat=True)),
        "metrics": [
            {"key_result_id": m.key_result_id, "title": m.key_result.title,
             "before": m.before, "after": m.after}
            for m in review.metrics.select_related("key_result")
        ],
    }  # fmt: skip


@router.get(ONE + "/review", response={200: ReviewOut, **COMMON_ERRORS})
def review_detail(request, response: HttpResponse, slug: str, launch_number: int):
    _ctx, launch = access_launch(request.user, slug, launch_number)
    review = Review.objects.filter(launch=launch).first()
    if review is None:
        from truce.core.errors import NotFound

        raise NotFound(_("This launch has no review yet."))
    response["ETag"] = review.etag
    return _review_out(review)


@router.put(ONE + "/review", response={200: ReviewOut, **WRITE_ERRORS})
def review_save(
    request,
    response: HttpResponse,
    slug: str,
    launch_number: int,
    payload: ReviewIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Write the post-launch review (the first write needs no If-Match). Metrics without
    values take the value at launch (before) and the current value (after)."""
    ctx, launch = access_launch(request.user, slug, launch_number, write=True)
    existing = Review.objects.filter(launch=launch).first()
    version = version_from_if_match(if_match, pk=existing.pk) if existing else None
    data = payload.dict()
    metrics = [(m["key_result_id"], m["before"], m["after"]) for m in data.pop("metrics")]
    review = services.review_save(
        ctx=ctx, launch=launch, expected_version=version, metrics=metrics, **data
    )
    response["ETag"] = review.etag
    return _review_out(review)
