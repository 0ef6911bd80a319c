"""Closing one's own account (ASVS 8.3.2): personal data goes, the teams' records stay whole,
the password is asked every time, and a workspace is never left without an admin."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD
from truce.accounts import services
from truce.accounts.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    BrowserSession,
    Membership,
    Role,
    User,
)

URL = "/accounts/close/"


def _signed_in(username: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    r = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302
    return client


def test_the_page_says_what_goes_and_what_stays(alice):
    page = _signed_in("alice").get(URL).content.decode()
    assert "Closing your account cannot be undone." in page and 'id="close-effects"' in page
    assert "what you wrote for your teams" in page and 'id="close-blocked"' not in page
    profile = _signed_in("alice").get(reverse("accounts:profile")).content.decode()
    assert f'href="{URL}"' in profile
    assert Client().get(URL)["Location"].startswith(reverse("accounts:login"))


def test_closing_removes_what_is_personal_and_keeps_the_records(alice, admin, workspace):
    from truce.core.access import access_workspace
    from truce.requirements.services import requirement_create

    requirement = requirement_create(ctx=access_workspace(alice, workspace.slug), title="会员积分")
    requirement.owner = alice
    requirement.save(update_fields=["owner"])
    _, raw = services.token_create(user=alice, name="script")
    phone, browser = _signed_in("alice"), _signed_in("alice")
    r = browser.post(URL, {"password": PASSWORD}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Your account is closed." in r.content.decode()

    alice.refresh_from_db()
    assert alice.username == f"closed-{alice.pk}" and not alice.is_active
    assert (alice.email, alice.display_name, alice.first_name, alice.last_name) == ("",) * 4
    assert not alice.has_usable_password() and not alice.two_factor
    assert not Membership.objects.filter(user=alice).exists()
    assert not ApiToken.objects.filter(user=alice).exists()
    assert not BrowserSession.objects.filter(user=alice).exists()
    requirement.refresh_from_db()
    assert requirement.owner == alice  # the record stays, credited to the closed account

    assert phone.get(reverse("accounts:profile")).status_code == 302  # every session ended
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    again = Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert again.status_code == 422  # the name is free and nothing signs in as it

    closed = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CLOSED)
    assert closed.actor == alice and closed.target == f"closed-{alice.pk}"
    left = AuditEvent.objects.get(action=AuditAction.MEMBER_REMOVED, workspace=workspace)
    assert left.data == {"role": Role.PRODUCT, "reason": "account_closed"}


def test_the_password_is_asked_every_time(alice):
    client = _signed_in("alice")  # a fresh sign-in is not enough
    r = client.post(URL, {"password": ""})
    assert r.status_code == 422 and "This field is required." in r.content.decode()
    r = client.post(URL, {"password": "not-the-password"})
    assert "Your password was entered incorrectly." in r.content.decode()
    alice.refresh_from_db()
    assert alice.is_active and alice.username == "alice"
    assert AuditEvent.objects.filter(action=AuditAction.REAUTH_FAILED, actor=alice).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CLOSED).exists()


def test_the_only_admin_hands_over_first(admin, alice, workspace):
    client = _signed_in("admin")
    page = client.get(URL).content.decode()
    assert 'id="close-blocked"' in page and "星火电商" in page
    r = client.post(URL, {"password": PASSWORD})
    assert "You are the only admin of 星火电商. Make another member an admin first." in (
        r.content.decode()
    )
    admin.refresh_from_db()
    assert admin.is_active and Membership.objects.filter(user=admin).exists()
    Membership.objects.filter(user=alice).update(role=Role.ADMIN)
    assert client.post(URL, {"password": PASSWORD}).status_code == 302
    assert list(Membership.objects.filter(workspace=workspace).values_list("user", flat=True)) == [
        alice.pk
    ]


def test_the_only_member_may_close_and_an_installation_admin_may_not(charlie):
    assert services.closing_blocked_by(charlie) == []  # alone in Northwind: nothing to hand over
    User.objects.filter(pk=charlie.pk).update(is_superuser=True)
    r = _signed_in("charlie").post(URL, {"password": PASSWORD})
    assert "An installation administrator&#x27;s account cannot be closed here" in (
        r.content.decode()
    )
    User.objects.filter(pk=charlie.pk).update(is_superuser=False)
    assert _signed_in("charlie").post(URL, {"password": PASSWORD}).status_code == 302


def test_in_chinese(admin, alice):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    client = _signed_in("alice", "zh-hans")
    page = client.get(URL).content.decode()
    assert "注销账号" in page and "注销后无法恢复" in page
    r = client.post(URL, {"password": "wrong"})
    assert "密码输入错误。" in r.content.decode()
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    r = _signed_in("admin", "zh-hans").post(URL, {"password": PASSWORD})
    assert "你是星火电商唯一的管理员。请先让另一位成员成为管理员。" in r.content.decode()
    with translation.override("zh-hans"):
        assert AuditAction.ACCOUNT_CLOSED.label == "账号已由本人注销"


def test_the_api_closes_with_the_password(alice, admin):
    _, raw = services.token_create(user=alice, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client = Client()
    r = client.post("/api/v1/me/close", {}, content_type="application/json", **auth)
    assert r.status_code == 422
    r = client.post(
        "/api/v1/me/close", {"password": "wrong"}, content_type="application/json", **auth
    )
    assert r.status_code == 400 and "password" in r.json()["error"]["fields"]
    _, admin_raw = services.token_create(user=admin, name="script")
    r = client.post(
        "/api/v1/me/close",
        {"password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {admin_raw}",
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert "only admin of 星火电商" in r.json()["error"]["message"]
    r = client.post(
        "/api/v1/me/close", {"password": PASSWORD}, content_type="application/json", **auth
    )
    assert r.status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401
