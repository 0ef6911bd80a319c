"""Sending one delivery: claim it, respect the endpoint's rate limit, make one HTTP attempt,
record what came back and schedule the retry.

A delivery is claimed with one conditional UPDATE, so two workers holding the same task (or a
task and a sweep) never both send it. A claim left by a crashed worker expires after
``CLAIM_TIMEOUT``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.domain import webhooks
from truce.integrations import messages, transport
from truce.integrations.models import (
    OPEN_STATUSES,
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    SendMark,
)

CLAIM_TIMEOUT = timedelta(minutes=10)
EXCERPT = 1000


def allow_private() -> bool:
    """Private and loopback targets are refused unless in DEBUG or explicitly allowed
    (TRUCE_WEBHOOKS_ALLOW_PRIVATE, e.g. for a receiver on the same network)."""
    return bool(settings.DEBUG or getattr(settings, "TRUCE_WEBHOOKS_ALLOW_PRIVATE", False))


def timeout() -> float:
    return float(getattr(settings, "TRUCE_WEBHOOKS_TIMEOUT", transport.TIMEOUT))


# Scheduling -------------------------------------------------------------------------------


def schedule(delivery: Delivery) -> None:
    """Enqueue the send task for when the delivery is due. A backend that cannot defer
    (the immediate one of tests) gets only due work; the sweep picks up the rest."""
    from truce.integrations.tasks import send_delivery

    when = delivery.next_attempt_at
    backend = send_delivery.get_backend()
    if when is not None and when > timezone.now():
        if backend.supports_defer:
            send_delivery.using(run_after=when).enqueue(delivery_id=delivery.pk)
        return
    send_delivery.enqueue(delivery_id=delivery.pk)


def due(now: datetime):
    """Deliveries waiting for an attempt, and claims abandoned by a crashed worker."""
    waiting = Q(status__in=OPEN_STATUSES) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return Delivery.objects.filter(waiting | abandoned)


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Enqueue every due delivery (the safety net behind ``run_after``); returns how many."""
    now = now or timezone.now()
    ids = list(due(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    from truce.integrations.tasks import send_delivery

    for pk in ids:
        send_delivery.enqueue(delivery_id=pk)
    return len(ids)


# Rate limit -------------------------------------------------------------------------------


def acquire_slot(endpoint: Endpoint, now: datetime) -> datetime | None:
    """Take a place in the endpoint's sliding window: None means "send now", a time means
    "not before then". The endpoint row lock (PostgreSQL) or the write lock taken at BEGIN
    (SQLite, IMMEDIATE mode) makes the count-then-insert atomic across worker processes."""
    limits = endpoint.limits
    since = now - timedelta(seconds=webhooks.longest_window(limits))
    with transaction.atomic():
        Endpoint.objects.select_for_update().filter(pk=endpoint.pk).values_list("pk").first()
        marks = SendMark.objects.filter(endpoint=endpoint)
        marks.filter(sent_at__lte=since).delete()
        sent = [t.timestamp() for t in marks.values_list("sent_at", flat=True)]
        free = webhooks.next_free_slot(sent, now.timestamp(), limits)
        if free is None:
            SendMark.objects.create(endpoint=endpoint, sent_at=now)
            return None
    return datetime.fromtimestamp(free, tz=UTC)


# One attempt ------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    claimed = due(now).filter(pk=delivery_id).update(status=DeliveryStatus.SENDING, claimed_at=now)
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint", "workspace", "event__actor").get(
        pk=delivery_id
    )


def _put_back(delivery: Delivery, when: datetime | None, status: str) -> None:
    delivery.status, delivery.next_attempt_at, delivery.claimed_at = status, when, None
    delivery.save(update_fields=["status", "next_attempt_at", "claimed_at", "updated_at"])


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> str:
    """Make the next attempt of a due delivery. Returns what happened: "delivered",
    "retrying", "failed", "throttled", "cancelled" or "skipped" (not due, or taken)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    if not endpoint.enabled and not delivery.is_test:
        delivery.last_error = _("Not sent: the endpoint is disabled.")
        delivery.save(update_fields=["last_error"])
        _put_back(delivery, None, DeliveryStatus.CANCELLED)
        return "cancelled"
    wait_until = acquire_slot(endpoint, now)
    if wait_until is not None:
        status = DeliveryStatus.RETRYING if delivery.attempts else DeliveryStatus.PENDING
        _put_back(delivery, wait_until, status)
        schedule(delivery)
        return "throttled"
    outgoing = messages.build(delivery, now=now)
    try:
        answer = transport.post(
            outgoing.url,
            outgoing.body,
            outgoing.headers,
            allow_private=allow_private(),
            timeout=timeout(),
        )
    except transport.Refused as exc:
        answer = transport.Response(status=exc.status, body="") if exc.status else None
        outcome = webhooks.Outcome(False, False, str(exc))
    except OSError as exc:
        answer, outcome = None, webhooks.Outcome(False, True, _no_answer(exc))
    else:
        outcome = webhooks.classify_response(
            endpoint.kind, answer.status, answer.body, answer.headers
        )
    record_attempt(delivery, outcome=outcome, answer=answer, started_at=now)
    return delivery.status if delivery.status != DeliveryStatus.SUCCEEDED else "delivered"


def _no_answer(exc: OSError) -> str:
    text = str(exc) or type(exc).__name__
    return f"no answer: {text}"[:500]


@transaction.atomic
def record_attempt(
    delivery: Delivery,
    *,
    outcome: webhooks.Outcome,
    answer: transport.Response | None,
    started_at: datetime,
) -> Delivery:
    """Log one attempt and move the delivery on: delivered, retry later, or failed."""
    number = (delivery.attempt_log.aggregate(n=Max("number"))["n"] or 0) + 1
    Attempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started_at,
        duration_ms=answer.duration_ms if answer else 0,
        status_code=answer.status if answer else None,
        delivered=outcome.delivered,
        error=outcome.reason[:500],
        response_excerpt=answer.body[:EXCERPT] if answer else "",
    )
    delivery.attempts += 1
    delivery.last_status_code = answer.status if answer else None
    delivery.last_error = outcome.reason[:500]
    delivery.claimed_at = None
    if outcome.delivered:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            started_at,
            None,
        )
    else:
        delay = webhooks.retry_delay(delivery.attempts, outcome.retry_after)
        if outcome.retry and delay is not None:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = started_at + timedelta(seconds=delay)
            transaction.on_commit(lambda: schedule(delivery))
        else:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "claimed_at",
            "status",
            "delivered_at",
            "next_attempt_at",
            "updated_at",
        ]
    )
    return delivery
