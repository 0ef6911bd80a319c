"""Domain events: one place where "something happened" is announced, and fanned out.

A service calls ``emit`` inside its transaction; the event row commits (or rolls back) with
the change it describes. After commit, the ``dispatch_event`` task calls every subscriber.
Subscribers register in their ``AppConfig.ready``::

    from truce.core import events
    events.subscribe("*", "truce.discussion.notify.on_event")
    events.subscribe("requirement.", "truce.integrations.webhooks.on_event")   # a prefix

A subscriber receives the ``DomainEvent`` and must be idempotent (keep its own record keyed by
``event.pk``): the dispatch task may run again after a crash or a retry.

Event kinds in use (``<noun>.<verb>``), each with ``data`` documented where it is emitted:
requirement.created, requirement.changed, requirement.status, comment.created,
decision.recorded, plan.signed, plan.published, launch.go, ...
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from truce.core.models import DomainEvent

log = logging.getLogger(__name__)

_SUBSCRIBERS: list[tuple[str, str]] = []


def subscribe(prefix: str, handler: str) -> None:
    """Call ``handler`` (a dotted path) for every event whose kind starts with ``prefix``
    ("*" for all)."""
    if (prefix, handler) not in _SUBSCRIBERS:
        _SUBSCRIBERS.append((prefix, handler))


def subscribers_for(kind: str) -> list[Callable[[DomainEvent], None]]:
    return [
        import_string(handler)
        for prefix, handler in _SUBSCRIBERS
        if prefix == "*" or kind.startswith(prefix)
    ]


def emit(
    *,
    workspace,
    kind: str,
    actor=None,
    subject=None,
    title: str = "",
    url: str = "",
    data: dict | None = None,
) -> DomainEvent:
    """Record an event now; dispatch it to subscribers once the transaction commits."""
    event = DomainEvent.objects.create(
        workspace=workspace,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.model_name if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
        title=str(title)[:300],
        url=url,
        data=data or {},
    )
    if _SUBSCRIBERS:
        from truce.core.tasks import dispatch_event

        transaction.on_commit(lambda: dispatch_event.enqueue(event_id=event.pk))
    return event


def dispatch(event: DomainEvent) -> int:
    """Hand ``event`` to its subscribers; one failing subscriber does not stop the others.
    Returns how many subscribers failed (their errors are logged; they retry on their own)."""
    failed = 0
    for handler in subscribers_for(event.kind):
        try:
            handler(event)
        except Exception:  # a subscriber's bug must not hide the event from the others
            failed += 1
            log.exception("event %s (%s): subscriber %r failed", event.pk, event.kind, handler)
    DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    return failed
