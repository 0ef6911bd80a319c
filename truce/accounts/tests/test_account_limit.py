"""A cap per account against sign-in attacks spread over many addresses (ASVS 2.2.1): after
TRUCE_LOGIN_ACCOUNT_LIMIT failures from anywhere within the cool-off, only addresses the
account signed in from before may try; a password change or reset starts the count again."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from truce.accounts.models import AuditAction, AuditEvent, Outcome


def _failures(user, count: int, *, minutes_ago: int = 1) -> None:
    """Failed sign-ins from ``count`` addresses (the audit log is append-only: the clock is
    set back while they are recorded)."""
    at = timezone.now() - timedelta(minutes=minutes_ago)
    with mock.patch("django.utils.timezone.now", return_value=at):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action=AuditAction.SIGN_IN_FAILED,
                outcome=Outcome.FAILURE,
                actor=user,
                target=user.username,
                ip_address=f"198.51.100.{i % 250 + 1}",
            )
            for i in range(count)
        )


def _sign_in(address: str, password: str = PASSWORD, language: str = "en"):
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = language
    return client.post(reverse("accounts:login"), {"username": "alice", "password": password})


def test_below_the_limit_signing_in_works_from_anywhere(alice, settings):
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 50
    _failures(alice, 49)
    assert _sign_in("203.0.113.50").status_code == 302


def test_at_the_limit_a_new_address_is_refused_even_with_the_right_password(alice, settings):
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 50
    _failures(alice, 50)
    r = _sign_in("203.0.113.50")
    assert r.status_code == 429
    assert "only be signed in from devices that signed in before" in r.content.decode()
    assert "_auth_user_id" not in r.client.session
    event = AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).get()
    assert (event.actor, event.data, event.ip_address) == (
        alice,
        {"reason": "account"},
        "203.0.113.50",
    )
    r = _sign_in("203.0.113.51", language="zh-hans")
    assert r.status_code == 429 and "此前登录过的设备" in r.content.decode()


def test_an_address_that_signed_in_before_still_can(alice, settings):
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 50
    assert _sign_in("203.0.113.7").status_code == 302  # the owner's usual address
    _failures(alice, 60)
    assert _sign_in("203.0.113.7").status_code == 302
    assert _sign_in("203.0.113.8").status_code == 429


def test_old_failures_and_those_before_a_password_reset_do_not_count(alice, settings):
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 50
    _failures(alice, 50, minutes_ago=16)  # the cool-off is 15 minutes
    assert _sign_in("203.0.113.50").status_code == 302
    _failures(alice, 50, minutes_ago=5)
    AuditEvent.objects.create(
        action=AuditAction.PASSWORD_RESET, outcome=Outcome.SUCCESS, actor=alice, target="alice"
    )
    assert _sign_in("203.0.113.51").status_code == 302


def test_zero_turns_it_off_and_unknown_names_are_not_counted(alice, settings):
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 0
    _failures(alice, 80)
    assert _sign_in("203.0.113.50").status_code == 302
    settings.TRUCE_LOGIN_ACCOUNT_LIMIT = 50
    r = Client().post(reverse("accounts:login"), {"username": "nobody", "password": "x" * 12})
    assert r.status_code == 422  # the form's usual error, no pause
