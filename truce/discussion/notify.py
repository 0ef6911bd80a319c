"""Who hears about what: domain events become notifications in the inbox and by e-mail.

``on_event`` is subscribed to every event (``events.subscribe("*", ...)`` in apps.py) and
decides recipients for the kinds it knows:

- ``comment.created``: the people the comment mentions (category "mention"), then the item's
  owners and followers (category "comment");
- ``comment.edited``: the people an edit newly mentions;
- ``requirement.changed`` / ``requirement.status``: the requirement's owner and followers
  (category "change").

Any other kind notifies nobody here. Apps whose events concern specific people call
``notify_users`` themselves, from their service after ``emit`` or from their own subscriber::

    from truce.discussion.notify import notify_users
    event = emit(workspace=ws, kind="action_item.assigned", actor=user, subject=item, ...)
    notify_users(event, [item.assignee], "action_item")

Categories are ``truce.discussion.models.Category``: mention, comment, change, decision,
signoff, action_item. Each person's preferences decide inbox and e-mail per category.

Nothing is sent twice: a notification is unique per (event, recipient), so a re-dispatched
event adds no row; the e-mail task claims ``emailed_at`` with one conditional UPDATE in the
same transaction as sending, so a repeated task sends nothing, and a failed send is undone
(and retried by the task runner) instead of being lost.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from truce.accounts.models import User
from truce.core.models import DomainEvent
from truce.discussion import registry
from truce.discussion.describe import event_sentence
from truce.discussion.models import Category, Follow, Notification


def notify_users(event: DomainEvent, users: Iterable, category: str, *, email: bool = True):
    """Tell ``users`` (User objects or ids) about ``event`` under ``category``.

    The actor is never told about their own event, and only active members of the event's
    workspace are told. Returns the ids of the people notified (now or before). ``email=False``
    keeps this call from sending e-mail (the demo seed uses it)."""
    category = Category(category)
    ids = {u if isinstance(u, int) else u.pk for u in users} - {event.actor_id}
    if not ids:
        return []
    people = User.objects.filter(
        pk__in=ids, is_active=True, memberships__workspace_id=event.workspace_id
    ).select_related("notification_prefs")
    rows = []
    for person in people:
        prefs = getattr(person, "notification_prefs", None)
        in_app, by_email = prefs.wants(category) if prefs else _defaults(category)
        if in_app or by_email:
            rows.append(
                Notification(
                    workspace_id=event.workspace_id,
                    recipient=person,
                    event=event,
                    category=category,
                    in_app=in_app,
                    email_wanted=by_email and email and bool(person.email),
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    told = [row.recipient_id for row in rows]
    _enqueue_emails(event, told)
    return told


def _defaults(category: str) -> tuple[bool, bool]:
    from truce.discussion.models import Preferences

    return Preferences().wants(category)


def _enqueue_emails(event: DomainEvent, recipient_ids: list[int]) -> None:
    """One task per e-mail not sent yet (including one that failed before: this retries it)."""
    from truce.discussion.tasks import send_notification_email

    if not recipient_ids:
        return
    waiting = Notification.objects.filter(
        event=event, recipient_id__in=recipient_ids, email_wanted=True, emailed_at__isnull=True
    ).values_list("recipient_id", flat=True)
    for recipient_id in waiting:
        transaction.on_commit(
            lambda r=recipient_id: send_notification_email.enqueue(
                event_id=event.pk, recipient_id=r
            )
        )


def on_event(event: DomainEvent) -> None:
    """Subscriber of every event: notify the people the kind concerns (see module doc)."""
    route(event)


def route(event: DomainEvent, *, email: bool = True) -> None:
    """Notify the people ``event``'s kind concerns; ``email=False`` for the demo seed."""
    if event.kind == "comment.created":
        mentioned = _ids(event.data.get("mentioned"))
        notify_users(event, mentioned, Category.MENTION, email=email)
        others = _owners_and_followers(event) - mentioned
        notify_users(event, others, Category.COMMENT, email=email)
    elif event.kind == "comment.edited":
        notify_users(event, _ids(event.data.get("mentioned")), Category.MENTION, email=email)
    elif event.kind in ("requirement.changed", "requirement.status"):
        notify_users(event, _owners_and_followers(event), Category.CHANGE, email=email)


def _ids(values) -> set[int]:
    return {v for v in (values or []) if isinstance(v, int)}


def _owners_and_followers(event: DomainEvent) -> set[int]:
    if not event.subject_type or event.subject_id is None:
        return set()
    followers = set(
        Follow.objects.filter(
            subject_type=event.subject_type, subject_id=event.subject_id
        ).values_list("user_id", flat=True)
    )
    entry = registry.find(event.subject_type)
    if entry is None:
        return followers
    subject = entry.model._default_manager.filter(
        pk=event.subject_id, workspace_id=event.workspace_id
    ).first()
    return followers | set(entry.owners(subject) if subject is not None else [])


def deliver_email(*, event_id: int, recipient_id: int) -> bool:
    """Send the e-mail of one notification unless it was sent already. Returns whether it
    was sent now. The claim and the send share a transaction: if sending raises, the claim
    is rolled back and the error propagates, so the task fails visibly and can be retried."""
    with transaction.atomic():
        claimed = Notification.objects.filter(
            event_id=event_id,
            recipient_id=recipient_id,
            email_wanted=True,
            emailed_at__isnull=True,
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        notification = Notification.objects.select_related(
            "event__actor", "workspace", "recipient"
        ).get(event_id=event_id, recipient_id=recipient_id)
        subject, body = render_email(notification)
        send_mail(subject, body, None, [notification.recipient.email])
    return True


def render_email(notification: Notification) -> tuple[str, str]:
    """(subject, body) in the recipient's language."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        event = notification.event
        context = {
            "notification": notification,
            "recipient": recipient,
            "sentence": event_sentence(event, category=notification.category),
            "workspace": notification.workspace,
            "excerpt": event.data.get("excerpt", "") if isinstance(event.data, dict) else "",
            "url": settings.BASE_URL + event.url if event.url.startswith("/") else "",
            "preferences_url": settings.BASE_URL + reverse("discussion:preferences"),
        }
        subject = render_to_string("discussion/email/notification_subject.txt", context)
        body = render_to_string("discussion/email/notification.txt", context)
    return " ".join(subject.split()), body
