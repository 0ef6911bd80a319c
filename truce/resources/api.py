"""API of resources: pools and their capacities, utilisation, campaigns, and demands."""

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
from truce.domain import capacity as cap
from truce.requirements.models import Requirement
from truce.resources import selectors, services
from truce.resources.access import access_campaign, access_demand, access_pool
from truce.resources.models import Campaign, Demand, ResourcePool
from truce.resources.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPage,
    CampaignPatch,
    CampaignStatusIn,
    CampaignStatusName,
    CapacitiesIn,
    CapacitiesOut,
    ChannelName,
    DemandIn,
    DemandPatch,
    PoolDemandOut,
    PoolIn,
    PoolOut,
    PoolPatch,
    SlotUseOut,
)

router = Router(tags=["resources"])
W = "/workspaces/{slug}"


def _start(pool: ResourcePool, text: str, field: str = "period"):
    try:
        return cap.parse(text, pool.granularity)
    except ValueError:
        raise ValidationFailed(
            fields={field: [_("Write a period of this pool, e.g. %(example)s.") % {
                "example": cap.label(cap.period_start(_today(), pool.granularity), pool.granularity)
            }]}
        ) from None  # fmt: skip


def _today():
    from django.utils import timezone

    return timezone.localdate()


# Pools -------------------------------------------------------------------------------------


@router.get(W + "/pools", response={200: list[PoolOut], **COMMON_ERRORS})
def pool_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    return list(ResourcePool.objects.filter(workspace=ctx.workspace))


@router.post(W + "/pools", response={201: PoolOut, **WRITE_ERRORS})
def pool_create(request, response: HttpResponse, slug: str, payload: PoolIn):
    ctx = access_workspace(request.user, slug, write=True)
    pool = services.pool_create(ctx=ctx, **payload.dict())
    response["ETag"] = pool.etag
    return Status(201, pool)


@router.get(W + "/pools/{pool_id}", response={200: PoolOut, **COMMON_ERRORS})
def pool_detail(request, response: HttpResponse, slug: str, pool_id: int):
    _ctx, pool = access_pool(request.user, slug, pool_id)
    response["ETag"] = pool.etag
    return pool


@router.patch(W + "/pools/{pool_id}", response={200: PoolOut, **WRITE_ERRORS})
def pool_update(
    request,
    response: HttpResponse,
    slug: str,
    pool_id: int,
    payload: PoolPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, pool = access_pool(request.user, slug, pool_id, write=True)
    version = version_from_if_match(if_match, pk=pool.pk)
    data = payload.dict(exclude_unset=True)
    for name in ("name", "kind", "side", "granularity", "archived"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    services.pool_update(ctx=ctx, pool=pool, expected_version=version, **data)
    response["ETag"] = pool.etag
    return pool


@router.delete(W + "/pools/{pool_id}", response={204: None, **WRITE_ERRORS})
def pool_delete(
    request, slug: str, pool_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    """Delete a pool nobody draws on (409 otherwise: archive it instead)."""
    ctx, pool = access_pool(request.user, slug, pool_id, write=True)
    version = version_from_if_match(if_match, pk=pool.pk)
    services.pool_delete(ctx=ctx, pool=pool, expected_version=version)
    return Status(204, None)


def _capacities_out(pool: ResourcePool) -> dict:
    return {
        "pool_id": pool.pk,
        "version": pool.version,
        "capacities": [
            {"period": cap.label(c.start, pool.granularity), "start": c.start, "amount": c.amount}
            for c in pool.capacities.order_by("start")
        ],
    }


@router.get(W + "/pools/{pool_id}/capacities", response={200: CapacitiesOut, **COMMON_ERRORS})
def capacities_get(request, response: HttpResponse, slug: str, pool_id: int):
    _ctx, pool = access_pool(request.user, slug, pool_id)
    response["ETag"] = pool.etag
    return _capacities_out(pool)


@router.put(W + "/pools/{pool_id}/capacities", response={200: CapacitiesOut, **WRITE_ERRORS})
def capacities_put(
    request,
    response: HttpResponse,
    slug: str,
    pool_id: int,
    payload: CapacitiesIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Replace the pool's capacities: periods not listed are removed. If-Match is the pool's
    ETag (capacities are part of the pool's version)."""
    ctx, pool = access_pool(request.user, slug, pool_id, write=True)
    version = version_from_if_match(if_match, pk=pool.pk)
    amounts = {}
    for index, item in enumerate(payload.capacities):
        start = _start(pool, item.period, f"capacities.{index}.period")
        if start in amounts:
            raise ValidationFailed(
                fields={f"capacities.{index}.period": [_("This period is listed twice.")]}
            )
        amounts[start] = item.amount
    services.capacities_set(
        ctx=ctx, pool=pool, expected_version=version, amounts=amounts, replace=True
    )
    response["ETag"] = pool.etag
    return _capacities_out(pool)


class UseQuery(Schema):
    pool_id: int | None = Field(None, ge=1, le=2**63 - 1)
    overcommitted: bool = False


@router.get(W + "/utilisation", response={200: list[SlotUseOut], **COMMON_ERRORS})
def utilisation(request, slug: str, query: Query[UseQuery]):
    """Every (pool, period) with a capacity or an open demand; ``overcommitted=true`` keeps
    only the slots whose scheduled demand exceeds the capacity."""
    ctx = access_workspace(request.user, slug)
    uses = selectors.utilisation(
        ctx.workspace,
        pool_ids=[query.pool_id] if query.pool_id else None,
        overcommitted_only=query.overcommitted,
    )
    return [
        {
            "pool_id": u.pool.pk,
            "pool": u.pool.name,
            "period": u.label,
            "start": u.start,
            "capacity": u.capacity,
            "capacity_recorded": u.has_capacity,
            "scheduled": u.scheduled,
            "candidate": u.candidate,
            "utilisation": u.utilisation,
            "overcommitted": u.overcommitted,
        }
        for u in uses
    ]


# Campaigns ---------------------------------------------------------------------------------


class CampaignQuery(Schema):
    status: list[CampaignStatusName] = Field(default_factory=list)
    channel: ChannelName | None = None
    owner: int | None = Field(None, ge=1, le=2**63 - 1)
    period: str = Field("", max_length=10, description='A month "2026-11" or quarter "2026-Q4"')
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(50, ge=1, le=200)


def _campaign_out(c: Campaign, flagged: bool | None = None) -> dict:
    fields = (
        "number", "title", "channel", "status", "description", "description_html", "starts_on",
        "ends_on", "owner", "expected_reach", "expected_new_users", "expected_revenue",
        "operations_score", "product_score", "version", "created_at", "updated_at",
    )  # fmt: skip
    if flagged is None:
        flagged = c.pk in selectors.flagged_campaigns(c.workspace, [c.pk])
    return {
        **{f: getattr(c, f) for f in fields},
        "promotes": sorted(r.number for r in c.promotes.all()),
        "overcommitted": flagged,
    }


def _campaign_fields(ctx, data: dict) -> dict:
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
    if data.get("promotes") is not None:
        numbers = set(data["promotes"])
        found = list(Requirement.objects.filter(workspace=ctx.workspace, number__in=numbers))
        if len(found) != len(numbers):
            raise ValidationFailed(
                fields={"promotes": [_("No requirement with this number here.")]}
            )
        data["promotes"] = found
    elif "promotes" in data:
        data["promotes"] = []
    return data


@router.get(W + "/campaigns", response={200: CampaignPage, **COMMON_ERRORS})
def campaign_list(request, slug: str, query: Query[CampaignQuery]):
    ctx = access_workspace(request.user, slug)
    period = None
    if query.period:
        try:
            period = cap.bounds(query.period)
        except ValueError:
            raise ValidationFailed(
                fields={"period": [_("Write a month like 2026-11 or a quarter like 2026-Q4.")]}
            ) from None
    f = selectors.CampaignFilter(
        status=tuple(query.status), channel=query.channel or "", owner=query.owner, period=period
    )
    qs = selectors.filter_campaigns(ctx.workspace, f).prefetch_related("promotes")
    start = (query.page - 1) * query.page_size
    rows = list(qs[start : start + query.page_size])
    flagged = selectors.flagged_campaigns(ctx.workspace, [c.pk for c in rows])
    return {
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": [_campaign_out(c, c.pk in flagged) for c in rows],
    }


@router.post(W + "/campaigns", response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request, response: HttpResponse, slug: str, payload: CampaignIn):
    ctx = access_workspace(request.user, slug, write=True)
    c = services.campaign_create(ctx=ctx, **_campaign_fields(ctx, payload.dict()))
    response["ETag"] = c.etag
    return Status(201, _campaign_out(c, False))


@router.get(W + "/campaigns/{campaign_number}", response={200: CampaignOut, **COMMON_ERRORS})
def campaign_detail(request, response: HttpResponse, slug: str, campaign_number: int):
    _ctx, c = access_campaign(request.user, slug, campaign_number)
    response["ETag"] = c.etag
    return _campaign_out(c)


@router.patch(W + "/campaigns/{campaign_number}", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_update(
    request,
    response: HttpResponse,
    slug: str,
    campaign_number: int,
    payload: CampaignPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, c = access_campaign(request.user, slug, campaign_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    data = payload.dict(exclude_unset=True)
    for name in ("title", "channel"):
        if name in data and data[name] is None:
            raise ValidationFailed(fields={name: [_("This field cannot be empty.")]})
    if "description" in data and data["description"] is None:
        data["description"] = ""
    services.campaign_update(
        ctx=ctx, campaign=c, expected_version=version, **_campaign_fields(ctx, data)
    )
    response["ETag"] = c.etag
    return _campaign_out(c)


@router.delete(W + "/campaigns/{campaign_number}", response={204: None, **WRITE_ERRORS})
def campaign_delete(
    request,
    slug: str,
    campaign_number: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Delete a draft, proposed or cancelled campaign (409 otherwise)."""
    ctx, c = access_campaign(request.user, slug, campaign_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    services.campaign_delete(ctx=ctx, campaign=c, expected_version=version)
    return Status(204, None)


@router.post(W + "/campaigns/{campaign_number}/status", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_move(
    request,
    response: HttpResponse,
    slug: str,
    campaign_number: int,
    payload: CampaignStatusIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Move along draft → proposed → scheduled → running → done (or cancel)."""
    ctx, c = access_campaign(request.user, slug, campaign_number, write=True)
    version = version_from_if_match(if_match, pk=c.pk)
    services.campaign_move(ctx=ctx, campaign=c, status=payload.status, expected_version=version)
    response["ETag"] = c.etag
    return _campaign_out(c)


# Demands -----------------------------------------------------------------------------------


def _demand_out(d: Demand) -> dict:
    return {
        "id": d.pk,
        "pool_id": d.pool_id,
        "pool": d.pool.name,
        "period": cap.label(d.start, d.pool.granularity),
        "start": d.start,
        "amount": d.amount,
        "note": d.note,
        "requirement": d.requirement.number if d.requirement_id else None,
        "campaign": d.campaign.number if d.campaign_id else None,
        "overcommitted": d.load.overcommitted if hasattr(d, "load") else _slot_over(d),
        "version": d.version,
    }


def _slot_over(d: Demand) -> bool:
    found = selectors.loads_for_slots(d.pool.workspace, [(d.pool_id, d.start)])
    return found[(d.pool_id, d.start)].overcommitted


def _add(ctx, payload: DemandIn, **owner) -> Demand:
    pool = ResourcePool.objects.filter(workspace=ctx.workspace, pk=payload.pool_id).first()
    if pool is None:
        raise ValidationFailed(fields={"pool_id": [_("No pool with this id here.")]})
    return services.demand_add(
        ctx=ctx, pool=pool, start=_start(pool, payload.period), amount=payload.amount,
        note=payload.note, **owner,
    )  # fmt: skip


@router.get(
    W + "/requirements/{number}/demands", response={200: list[PoolDemandOut], **COMMON_ERRORS}
)
def requirement_demands(request, slug: str, number: int):
    _ctx, r = access_requirement(request.user, slug, number)
    return [_demand_out(d) for d in selectors.demands_of(requirement=r)]


@router.post(W + "/requirements/{number}/demands", response={201: PoolDemandOut, **WRITE_ERRORS})
def requirement_demand_add(
    request, response: HttpResponse, slug: str, number: int, payload: DemandIn
):
    ctx, r = access_requirement(request.user, slug, number, write=True)
    d = _add(ctx, payload, requirement=r)
    response["ETag"] = d.etag
    return Status(201, _demand_out(d))


@router.get(
    W + "/campaigns/{campaign_number}/demands", response={200: list[PoolDemandOut], **COMMON_ERRORS}
)
def campaign_demands(request, slug: str, campaign_number: int):
    _ctx, c = access_campaign(request.user, slug, campaign_number)
    return [_demand_out(d) for d in selectors.demands_of(campaign=c)]


@router.post(
    W + "/campaigns/{campaign_number}/demands", response={201: PoolDemandOut, **WRITE_ERRORS}
)
def campaign_demand_add(
    request, response: HttpResponse, slug: str, campaign_number: int, payload: DemandIn
):
    ctx, c = access_campaign(request.user, slug, campaign_number, write=True)
    d = _add(ctx, payload, campaign=c)
    response["ETag"] = d.etag
    return Status(201, _demand_out(d))


@router.patch(W + "/demands/{demand_id}", response={200: PoolDemandOut, **WRITE_ERRORS})
def demand_update(
    request,
    response: HttpResponse,
    slug: str,
    demand_id: int,
    payload: DemandPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    ctx, d = access_demand(request.user, slug, demand_id, write=True)
    version = version_from_if_match(if_match, pk=d.pk)
    data = payload.dict(exclude_unset=True)
    start = _start(d.pool, data["period"]) if data.get("period") else None
    services.demand_update(
        ctx=ctx, demand=d, expected_version=version, amount=data.get("amount"), start=start,
        note=data.get("note"),
    )  # fmt: skip
    response["ETag"] = d.etag
    return _demand_out(d)


@router.delete(W + "/demands/{demand_id}", response={204: None, **WRITE_ERRORS})
def demand_delete(
    request, slug: str, demand_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    ctx, d = access_demand(request.user, slug, demand_id, write=True)
    version = version_from_if_match(if_match, pk=d.pk)
    services.demand_remove(ctx=ctx, demand=d, expected_version=version)
    return Status(204, None)
