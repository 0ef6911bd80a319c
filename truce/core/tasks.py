"""Background work of the core: fanning domain events out to their subscribers."""

from __future__ import annotations

from django_tasks import task


@task()
def dispatch_event(*, event_id: int) -> int:
    from truce.core.events import dispatch
    from truce.core.models import DomainEvent

    event = DomainEvent.objects.filter(pk=event_id).select_related("workspace", "actor").first()
    return dispatch(event) if event is not None else 0
