"""Where you are signed in (ASVS 3.3.4, 7.4.x): every signed-in browser session is listed on the
security page and in the API, with its browser, address and times, and any other one can be
signed out from here; the list follows sign-out, expiry, password changes and key changes."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD
from truce.accounts import services, sessions
from truce.accounts.devices import device_label
from truce.accounts.models import AuditAction, AuditEvent, BrowserSession

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WECHAT_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _signed_in(username: str, agent: str = CHROME_WINDOWS, ip: str = "10.0.0.1") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    r = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302
    return client


def _signed_in_still(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def _row(client: Client) -> BrowserSession:
    return BrowserSession.objects.get(session_key=client.session.session_key)


def test_each_browser_is_listed_with_this_one_marked(alice, olivia, django_assert_max_num_queries):
    laptop = _signed_in("alice", CHROME_WINDOWS, "10.0.0.1")
    phone = _signed_in("alice", WECHAT_IPHONE, "10.0.0.2")
    _signed_in("olivia", FIREFOX_LINUX, "10.0.0.3")
    with django_assert_max_num_queries(12):
        page = laptop.get(reverse("accounts:security")).content.decode()
    assert "Where you are signed in" in page
    assert "Chrome on Windows" in page and "WeChat on iOS" in page
    assert "10.0.0.1" in page and "10.0.0.2" in page
    assert "Firefox on Linux" not in page and "10.0.0.3" not in page  # olivia's
    assert page.count("This session") == 1
    assert reverse("accounts:session_revoke", args=[_row(phone).pk]) in page
    assert reverse("accounts:session_revoke", args=[_row(laptop).pk]) not in page


def test_signing_another_browser_out(alice):
    laptop, phone = _signed_in("alice"), _signed_in("alice", WECHAT_IPHONE, "10.0.0.2")
    row = _row(phone)
    r = laptop.post(reverse("accounts:session_revoke", args=[row.pk]), follow=True)
    assert r.redirect_chain[-1][0] == reverse("accounts:security")
    assert "The session on WeChat on iOS was signed out." in r.content.decode()
    assert not _signed_in_still(phone) and _signed_in_still(laptop)
    assert not BrowserSession.objects.filter(pk=row.pk).exists()
    assert not Session.objects.filter(session_key=row.session_key).exists()
    event = AuditEvent.objects.get(action=AuditAction.SESSION_ENDED)
    assert event.actor == alice and event.data == {"device": "WeChat on iOS", "address": "10.0.0.2"}
    # the same form again (another tab): gone, so 404, and nothing more is recorded
    assert laptop.post(reverse("accounts:session_revoke", args=[row.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_ENDED).count() == 1


def test_this_session_is_not_ended_from_the_list(alice):
    laptop = _signed_in("alice")
    row = _row(laptop)
    r = laptop.post(reverse("accounts:session_revoke", args=[row.pk]), follow=True)
    assert "This is the session you are using: sign out instead." in r.content.decode()
    assert _signed_in_still(laptop) and BrowserSession.objects.filter(pk=row.pk).exists()
    r = laptop.delete(f"/api/v1/me/sessions/{row.pk}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"


def test_sessions_are_personal(alice, olivia, charlie):
    olivias = _row(_signed_in("olivia"))
    alices = _signed_in("alice")
    assert alices.post(reverse("accounts:session_revoke", args=[olivias.pk])).status_code == 404
    r = alices.delete(f"/api/v1/me/sessions/{olivias.pk}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert olivias.pk not in [s["id"] for s in alices.get("/api/v1/me/sessions").json()]
    assert BrowserSession.objects.filter(pk=olivias.pk).exists()
    r = Client().post(reverse("accounts:session_revoke", args=[olivias.pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert Client().get("/api/v1/me/sessions").status_code == 401
    assert alices.get(reverse("accounts:session_revoke", args=[olivias.pk])).status_code == 405


def test_the_api_lists_and_ends_sessions(alice):
    laptop, phone = _signed_in("alice"), _signed_in("alice", WECHAT_IPHONE, "10.0.0.2")
    listed = laptop.get("/api/v1/me/sessions").json()
    assert [(s["device"], s["current"]) for s in listed] == [
        ("WeChat on iOS", False),
        ("Chrome on Windows", True),
    ]  # most recently active first
    assert listed[0]["ip_address"] == "10.0.0.2" and listed[0]["user_agent"] == WECHAT_IPHONE
    _, raw = services.token_create(user=alice, name="ci")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    by_token = api.get("/api/v1/me/sessions").json()
    assert len(by_token) == 2 and not any(s["current"] for s in by_token)
    assert api.delete(f"/api/v1/me/sessions/{listed[0]['id']}").status_code == 204
    assert not _signed_in_still(phone) and _signed_in_still(laptop)
    assert api.delete(f"/api/v1/me/sessions/{listed[0]['id']}").status_code == 404


def test_the_list_follows_sign_out_and_sign_out_elsewhere(alice):
    first, second, third = _signed_in("alice"), _signed_in("alice"), _signed_in("alice")
    assert BrowserSession.objects.filter(user=alice).count() == 3
    second.post(reverse("accounts:logout"))
    assert BrowserSession.objects.filter(user=alice).count() == 2
    first.post(reverse("accounts:sign_out_elsewhere"))
    assert list(BrowserSession.objects.filter(user=alice)) == [_row(first)]
    assert not _signed_in_still(third)


def test_a_password_change_keeps_this_session_listed_under_its_new_key(alice):
    here, other = _signed_in("alice"), _signed_in("alice")
    old_key = here.session.session_key
    new = "n3w-Passw0rd-long"
    form = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    r = here.post(reverse("accounts:password_change"), form)
    assert r.status_code == 302
    new_key = here.session.session_key
    assert new_key != old_key  # Django gave the session a new key …
    rows = list(BrowserSession.objects.filter(user=alice))
    assert [r.session_key for r in rows] == [new_key]  # … the row followed; the other went
    assert not _signed_in_still(other)
    listed = here.get("/api/v1/me/sessions").json()
    assert [s["current"] for s in listed] == [True]


def test_a_password_reset_ends_every_session(alice):
    browser = _signed_in("alice")
    alice.set_password("another-Passw0rd-9")
    alice.save()
    services.audit(action=AuditAction.PASSWORD_RESET, actor=alice, target=alice)
    sessions.end_others(user=alice)
    assert not BrowserSession.objects.filter(user=alice).exists()
    assert not _signed_in_still(browser)


def test_idle_and_old_sessions_are_not_listed_and_go_at_the_next_sign_in(alice):
    idle, old, fresh = _signed_in("alice"), _signed_in("alice"), _signed_in("alice")
    now = timezone.now()
    BrowserSession.objects.filter(pk=_row(idle).pk).update(
        last_seen_at=now - timedelta(seconds=settings.SESSION_IDLE_SECONDS + 120)
    )
    BrowserSession.objects.filter(pk=_row(old).pk).update(
        created_at=now - timedelta(seconds=settings.SESSION_MAX_AGE_SECONDS + 1)
    )
    assert [r.pk for r in sessions.live_sessions(alice)] == [_row(fresh).pk]
    Session.objects.filter(session_key=fresh.session.session_key).delete()  # cleared elsewhere
    assert sessions.live_sessions(alice) == []
    _signed_in("alice")
    assert BrowserSession.objects.filter(user=alice).count() == 1  # the dead rows went


def test_last_active_is_written_at_most_once_a_minute(alice):
    browser = _signed_in("alice", ip="10.0.0.1")
    row = _row(browser)
    later = timezone.now() + timedelta(seconds=90)
    browser.defaults["REMOTE_ADDR"] = "10.0.0.9"
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _signed_in_still(browser)
    row.refresh_from_db()
    assert row.last_seen_at == later and row.ip_address == "10.0.0.9"
    with mock.patch("django.utils.timezone.now", return_value=later + timedelta(seconds=10)):
        assert _signed_in_still(browser)
    row.refresh_from_db()
    assert row.last_seen_at == later  # within the minute: not written again


def test_a_session_from_before_the_list_is_listed_once_it_is_used(alice):
    browser = _signed_in("alice")
    BrowserSession.objects.all().delete()
    session = browser.session
    del session[sessions.RECORD]
    session.save()
    later = timezone.now() + timedelta(seconds=90)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _signed_in_still(browser)
    row = _row(browser)
    assert row.user == alice and row.last_seen_at == later
    assert browser.get("/api/v1/me/sessions").json()[0]["current"] is True


def test_in_chinese(alice):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    laptop, phone = _signed_in("alice"), _signed_in("alice", WECHAT_IPHONE)
    page = laptop.get(reverse("accounts:security")).content.decode()
    assert "你在哪些地方登录" in page and "当前会话" in page
    assert "Windows 上的 Chrome" in page and "iOS 上的 WeChat" in page
    r = laptop.post(reverse("accounts:session_revoke", args=[_row(phone).pk]), follow=True)
    assert "iOS 上的 WeChat 上的会话已退出登录。" in r.content.decode()
    r = laptop.delete(f"/api/v1/me/sessions/{_row(laptop).pk}")
    assert r.json()["error"]["message"] == "这是你正在使用的会话：请直接退出登录。"
    with translation.override("zh-hans"):
        event = AuditEvent.objects.get(action=AuditAction.SESSION_ENDED)
        assert event.get_action_display() == "已退出另一个会话"


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_WINDOWS, "Chrome on Windows"),
        (WECHAT_IPHONE, "WeChat on iOS"),
        (FIREFOX_LINUX, "Firefox on Linux"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; HarmonyOS) AppleWebKit/537.36 Chrome/114.0 "
            "Mobile Safari/537.36 DingTalk/7.6.0",
            "DingTalk on HarmonyOS",
        ),
        ("python-httpx/0.28.1", "Script"),
        ("", "Unknown browser"),
        ("<script>alert(1)</script>", "Unknown browser"),
    ],
)
def test_device_labels(agent, label):
    assert device_label(agent) == label
