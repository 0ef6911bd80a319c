"""The domain-event subscriber: one delivery per matching endpoint, never two.

``on_event`` is called by ``truce.core.tasks.dispatch_event`` after the event's transaction
committed, and may be called again for the same event (a retried or repeated dispatch): the
unique (event, endpoint) constraint makes the second call create and send nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from truce.core.models import DomainEvent
from truce.integrations.models import Delivery, Endpoint


def on_event(event: DomainEvent) -> int:
    """Create and enqueue the deliveries ``event`` calls for; returns how many are new."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(workspace_id=event.workspace_id, enabled=True)
        if endpoint.wants(event.kind)
    ]
    created = 0
    for endpoint in endpoints:
        delivery = _delivery_once(event, endpoint)
        if delivery is not None:
            created += 1
    return created


def _delivery_once(event: DomainEvent, endpoint: Endpoint) -> Delivery | None:
    from truce.integrations.sender import schedule

    if Delivery.objects.filter(event=event, endpoint=endpoint).exists():
        return None
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                workspace_id=event.workspace_id,
                endpoint=endpoint,
                event=event,
                kind=event.kind,
                title=event.title,
            )
            transaction.on_commit(lambda: schedule(delivery))
    except IntegrityError:  # a concurrent dispatch of the same event got there first
        return None
    return delivery
