"""Background work of discussion: notification e-mails, sent by the worker after commit."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notification_email(*, event_id: int, recipient_id: int) -> bool:
    from truce.discussion.notify import deliver_email

    return deliver_email(event_id=event_id, recipient_id=recipient_id)
