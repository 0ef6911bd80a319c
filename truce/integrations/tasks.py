"""Background work of integrations: one task per delivery attempt, and the sweep."""

from __future__ import annotations

from django_tasks import task


@task()
def send_delivery(*, delivery_id: int) -> str:
    from truce.integrations.sender import attempt_delivery

    return attempt_delivery(delivery_id)


@task()
def send_due_deliveries() -> int:
    """Enqueue whatever is due and was not (or could not be) enqueued with ``run_after``."""
    from truce.integrations.sender import deliver_due

    return deliver_due()
