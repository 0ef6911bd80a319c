"""Reads for the integrations pages and API."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Subquery

from truce.integrations.models import Attempt, Delivery, DeliveryStatus, Endpoint

LOG_SIZE = 50


def endpoints_overview(workspace) -> list[Endpoint]:
    """The workspace's endpoints, each with the status and time of its latest delivery."""
    latest = Delivery.objects.filter(endpoint=OuterRef("pk")).order_by("-created_at", "-id")
    endpoints = list(
        Endpoint.objects.for_workspace(workspace).annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_at=Subquery(latest.values("created_at")[:1]),
        )
    )
    for endpoint in endpoints:
        status = endpoint.last_status
        endpoint.last_status_label = DeliveryStatus(status).label if status else ""
    return endpoints


def delivery_log(endpoint: Endpoint, *, limit: int = LOG_SIZE) -> list[Delivery]:
    """The endpoint's latest deliveries, newest first, each with its attempts."""
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("-number"))
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("requested_by")
        .prefetch_related(attempts)[:limit]
    )
