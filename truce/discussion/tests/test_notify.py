from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from truce.core import events
from truce.core.models import DomainEvent
from truce.discussion import notify, services
from truce.discussion.models import Notification

pytestmark = pytest.mark.django_db


def _comment(ctx, req, body, capture):
    with capture(execute=True):
        return services.comment_create(ctx=ctx, subject=req, body=body)


def test_mentioned_owner_and_followers_are_told_the_author_is_not(
    ctx, req, olivia, lena, victor, alice, django_capture_on_commit_callbacks
):
    services.follow_set(ctx=ctx, subject=req, follow=True)
    from truce.core.access import access_workspace

    services.follow_set(ctx=access_workspace(victor, "spark"), subject=req, follow=True)
    _comment(ctx, req, "@olivia 请确认活动时间", django_capture_on_commit_callbacks)
    rows = Notification.objects.select_related("recipient")
    got = {n.recipient.username: n.category for n in rows}
    assert got == {"olivia": "mention", "lena": "comment", "victor": "comment"}


def test_dispatching_the_same_event_twice_sends_one_email(
    ctx, req, olivia, django_capture_on_commit_callbacks
):
    _comment(ctx, req, "@olivia 看一下", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["olivia@example.com"]
    event = DomainEvent.objects.get(kind="comment.created")
    with django_capture_on_commit_callbacks(execute=True):
        events.dispatch(event)
    with django_capture_on_commit_callbacks(execute=True):
        notify.on_event(event)
    assert Notification.objects.filter(recipient=olivia).count() == 1
    assert len(mail.outbox) == 1
    # the task itself, run again, claims nothing
    assert notify.deliver_email(event_id=event.pk, recipient_id=olivia.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_not_marked_sent_and_a_retry_sends_once(
    ctx, req, olivia, django_capture_on_commit_callbacks
):
    # the task runner records the task as failed (the immediate backend logs it)
    with mock.patch("truce.discussion.notify.send_mail", side_effect=OSError("smtp down")) as m:
        _comment(ctx, req, "@olivia 看一下", django_capture_on_commit_callbacks)
    assert m.call_count == 1
    n = Notification.objects.get(recipient=olivia)
    assert n.email_wanted and n.emailed_at is None
    assert notify.deliver_email(event_id=n.event_id, recipient_id=olivia.pk) is True
    assert notify.deliver_email(event_id=n.event_id, recipient_id=olivia.pk) is False
    assert len(mail.outbox) == 1


def test_email_is_rendered_in_the_recipients_language(
    ctx, req, olivia, django_capture_on_commit_callbacks
):
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    seen = []
    real = notify.render_to_string

    def spy(*args, **kwargs):
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    with mock.patch("truce.discussion.notify.render_to_string", side_effect=spy):
        _comment(ctx, req, "@olivia 会员积分", django_capture_on_commit_callbacks)
    assert seen == ["zh-hans", "zh-hans"]
    body = mail.outbox[0].body
    assert "会员积分" in body and f"/requirements/{req.number}/?comment=" in body
    assert translation.get_language() == "en"


def test_preferences_decide_channels(ctx, req, olivia, lena, django_capture_on_commit_callbacks):
    prefs = services.preferences_for(olivia)
    services.preferences_update(
        user=olivia,
        choices={"mention": {"in_app": False, "email": True}},
        expected_version=prefs.version,
    )
    lena_prefs = services.preferences_for(lena)
    services.preferences_update(
        user=lena,
        choices={"comment": {"in_app": False, "email": False}},
        expected_version=lena_prefs.version,
    )
    _comment(ctx, req, "@olivia 请看", django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=lena).exists()
    only_mail = Notification.objects.get(recipient=olivia)
    assert not only_mail.in_app and len(mail.outbox) == 1
    assert not Notification.objects.inbox_of(olivia).exists()


def test_unknown_kinds_notify_nobody_and_other_apps_call_notify_users(
    ctx, req, olivia, lena, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = events.emit(
            workspace=ctx.workspace, kind="meeting.scheduled", actor=ctx.membership.user
        )
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        people = [olivia, lena.pk, charlie, ctx.membership.user]
        told = notify.notify_users(event, people, "decision")
    assert sorted(told) == sorted([olivia.pk, lena.pk])  # not the actor, not outsiders
    assert len(mail.outbox) == 0  # decisions are in-app only by default


def test_requirement_changes_reach_owner_and_followers(
    ctx, octx, req, lena, olivia, django_capture_on_commit_callbacks
):
    services.follow_set(ctx=octx, subject=req, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(
            workspace=ctx.workspace,
            kind="requirement.status",
            actor=ctx.membership.user,
            subject=req,
            title=str(req),
        )
    assert set(Notification.objects.values_list("recipient__username", "category")) == {
        ("lena", "change"),
        ("olivia", "change"),
    }
