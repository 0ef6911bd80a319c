"""API of integrations: outgoing endpoints (admins manage them; members read them without
credentials), their delivery logs, test messages and redeliveries."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.domain import signing
from truce.integrations import selectors, services
from truce.integrations.access import access_delivery, access_endpoint
from truce.integrations.models import Delivery, Endpoint
from truce.integrations.schemas import DeliveryOut, EndpointIn, EndpointOut, EndpointPatch

router = Router(tags=["integrations"])
BASE = "/workspaces/{slug}/integrations"


def _out(ctx, endpoint: Endpoint, revealed: str | None = None) -> dict:
    admin = ctx.is_admin
    fields = ("id", "name", "kind", "events", "enabled", "language", "rate_per_minute")
    return {
        **{f: getattr(endpoint, f) for f in fields},
        "url": endpoint.url if admin else endpoint.masked_url,
        "secret_masked": signing.mask_secret(endpoint.secret) if admin else "",
        "secret": revealed,
        "created_at": endpoint.created_at,
        "version": endpoint.version,
    }


def _delivery_out(delivery: Delivery) -> dict:
    return {
        **{f: getattr(delivery, f) for f in DeliveryOut.model_fields if f != "attempt_log"},
        "attempt_log": list(delivery.attempt_log.all()),
    }


@router.get(BASE + "/endpoints", response={200: list[EndpointOut], **COMMON_ERRORS})
def endpoint_list(request, slug: str):
    ctx = access_workspace(request.user, slug)
    return [_out(ctx, e) for e in Endpoint.objects.for_workspace(ctx.workspace)]


@router.post(BASE + "/endpoints", response={201: EndpointOut, **WRITE_ERRORS})
def endpoint_create(request, response: HttpResponse, slug: str, payload: EndpointIn):
    """Create an endpoint. A generic webhook's generated secret is in this answer only."""
    ctx = access_workspace(request.user, slug, admin=True)
    endpoint, revealed = services.endpoint_create(ctx=ctx, **payload.dict())
    response["ETag"] = endpoint.etag
    return Status(201, _out(ctx, endpoint, revealed))


@router.get(BASE + "/endpoints/{endpoint_id}", response={200: EndpointOut, **COMMON_ERRORS})
def endpoint_detail(request, response: HttpResponse, slug: str, endpoint_id: int):
    ctx, endpoint = access_endpoint(request.user, slug, endpoint_id)
    response["ETag"] = endpoint.etag
    return _out(ctx, endpoint)


@router.patch(BASE + "/endpoints/{endpoint_id}", response={200: EndpointOut, **WRITE_ERRORS})
def endpoint_update(
    request,
    response: HttpResponse,
    slug: str,
    endpoint_id: int,
    payload: EndpointPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Change an endpoint (If-Match required). With ``rotate_secret`` a generic webhook gets
    a new secret, returned in this answer only."""
    ctx, endpoint = access_endpoint(request.user, slug, endpoint_id, admin=True)
    version = version_from_if_match(if_match, pk=endpoint.pk)
    data = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in data.items() if v is not None and k in services.EDITABLE}
    endpoint, revealed = services.endpoint_update(
        ctx=ctx,
        endpoint=endpoint,
        expected_version=version,
        secret=data.get("secret"),
        rotate_secret=bool(data.get("rotate_secret")),
        **changes,
    )
    response["ETag"] = endpoint.etag
    return _out(ctx, endpoint, revealed)


@router.delete(BASE + "/endpoints/{endpoint_id}", response={204: None, **WRITE_ERRORS})
def endpoint_delete(
    request, slug: str, endpoint_id: int, if_match: str | None = Header(None, alias="If-Match")
):
    """Delete an endpoint and its delivery log. Send If-Match with its ETag: a stale one is a
    412, a missing one a 428."""
    ctx, endpoint = access_endpoint(request.user, slug, endpoint_id, admin=True)
    version = version_from_if_match(if_match, pk=endpoint.pk)
    services.endpoint_delete(ctx=ctx, endpoint=endpoint, expected_version=version)
    return Status(204, None)


@router.get(
    BASE + "/endpoints/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **COMMON_ERRORS},
)
def delivery_list(request, slug: str, endpoint_id: int, limit: int = Query(50, ge=1, le=200)):
    """The endpoint's latest deliveries, newest first, each with its attempts."""
    _ctx, endpoint = access_endpoint(request.user, slug, endpoint_id)
    return [_delivery_out(d) for d in selectors.delivery_log(endpoint, limit=limit)]


@router.post(BASE + "/endpoints/{endpoint_id}/test", response={202: DeliveryOut, **WRITE_ERRORS})
def endpoint_test(request, slug: str, endpoint_id: int):
    """Queue a test message (sent even while the endpoint is disabled)."""
    ctx, endpoint = access_endpoint(request.user, slug, endpoint_id, admin=True)
    return Status(202, _delivery_out(services.endpoint_test(ctx=ctx, endpoint=endpoint)))


@router.post(
    BASE + "/deliveries/{delivery_id}/redeliver", response={202: DeliveryOut, **WRITE_ERRORS}
)
def delivery_redeliver(request, slug: str, delivery_id: int):
    """Send a delivery again with a fresh set of attempts (409 while it is being sent)."""
    ctx, delivery = access_delivery(request.user, slug, delivery_id, admin=True)
    return Status(202, _delivery_out(services.delivery_redeliver(ctx=ctx, delivery=delivery)))
