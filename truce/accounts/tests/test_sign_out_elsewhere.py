"""Sign out of every other session (ASVS 3.3.4): another browser signed in as the same person
must sign in again; the session that asked stays; tokens are untouched; it is on record."""

from __future__ import annotations

from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD
from truce.accounts import services
from truce.accounts.models import AuditAction, AuditEvent


def _signed_in(username: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    r = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302
    return client


def _signed_in_still(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def test_the_other_sessions_end_and_this_one_stays(alice, olivia):
    here, phone, laptop, someone_else = (
        _signed_in("alice"), _signed_in("alice"), _signed_in("alice"), _signed_in("olivia")
    )  # fmt: skip
    r = here.post(reverse("accounts:sign_out_elsewhere"), follow=True)
    assert r.redirect_chain[-1][0] == reverse("accounts:security")
    assert "You are signed out of every other session; this one stays." in r.content.decode()
    assert _signed_in_still(here) and _signed_in_still(someone_else)
    for client in (phone, laptop):
        r = client.get(reverse("accounts:profile"))
        assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    event = AuditEvent.objects.get(action=AuditAction.SIGNED_OUT_ELSEWHERE)
    assert event.actor == alice and event.outcome == "success"
    page = here.get(reverse("accounts:security")).content.decode()
    assert "Signed out of every other session" in page and 'id="sign-out-elsewhere"' in page
    again = _signed_in("alice")  # signing in again works as before
    assert _signed_in_still(again)


def test_in_chinese(alice):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    here = _signed_in("alice")
    r = here.post(reverse("accounts:sign_out_elsewhere"), follow=True)
    assert "已退出其他所有会话" in r.content.decode()
    with translation.override("zh-hans"):
        event = AuditEvent.objects.get(action=AuditAction.SIGNED_OUT_ELSEWHERE)
        assert event.get_action_display() == "已退出其他所有会话"


def test_it_needs_a_post_and_a_signed_in_person(alice):
    assert _signed_in("alice").get(reverse("accounts:sign_out_elsewhere")).status_code == 405
    r = Client().post(reverse("accounts:sign_out_elsewhere"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNED_OUT_ELSEWHERE).exists()


def test_the_api_with_a_token_ends_every_browser_session_and_keeps_the_token(alice):
    browser = _signed_in("alice")
    _, raw = services.token_create(user=alice, name="ci")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    r = api.post("/api/v1/me/sign-out-elsewhere")
    assert r.status_code == 204
    assert not _signed_in_still(browser)
    assert api.get("/api/v1/me").status_code == 200  # tokens are not sessions


def test_the_api_in_a_browser_session_keeps_that_session(alice):
    here, other = _signed_in("alice"), _signed_in("alice")
    assert here.post("/api/v1/me/sign-out-elsewhere").status_code == 204
    assert _signed_in_still(here) and not _signed_in_still(other)


def test_sessions_made_before_the_epoch_existed_stay_valid(alice):
    """At epoch 0 the hash is Django's own, so upgrading signs nobody out."""
    assert alice.session_epoch == 0
    assert alice.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(alice)
    before = alice.get_session_auth_hash()
    services.sign_out_elsewhere(user=alice)
    alice.refresh_from_db()
    assert alice.session_epoch == 1 and alice.get_session_auth_hash() != before
    session = _signed_in("alice").session
    assert session[HASH_SESSION_KEY] == alice.get_session_auth_hash()
