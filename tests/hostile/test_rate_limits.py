"""Rate limits: sign-in (django-axes, per username and address) and the API (per user, and per
address for requests that do not authenticate), each refusing with 429 and saying when to try
again."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from conftest import PASSWORD, client_for
from truce.accounts.services import token_create
from truce.api import throttle
from truce.env import parse_rate

pytestmark = pytest.mark.django_db
LOGIN = "accounts:login"


def _sign_in(client, username, password, ip="10.0.0.1", **extra):
    return client.post(
        reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


# Sign-in ---------------------------------------------------------------------------------------


def test_sixth_attempt_after_five_failures_is_locked_even_with_the_right_password(alice):
    client = client_for(None)
    for attempt in range(1, 6):
        r = _sign_in(client, "alice", f"wrong-{attempt}")
        assert r.status_code in (422, 429), (attempt, r.status_code)
        assert "_auth_user_id" not in client.session
    r = _sign_in(client, "alice", PASSWORD)
    assert r.status_code == 429
    body = r.content.decode()
    assert "Too many failed sign-in attempts" in body and "Reset password" in body
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(alice, olivia):
    attacker = client_for(None)
    for attempt in range(5):
        _sign_in(attacker, "alice", f"wrong-{attempt}", ip="10.0.0.1")
    assert _sign_in(attacker, "alice", PASSWORD, ip="10.0.0.1").status_code == 429
    # alice from her own address, and olivia from the attacker's, are not locked out
    assert _sign_in(client_for(None), "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    assert _sign_in(client_for(None), "olivia", PASSWORD, ip="10.0.0.1").status_code == 302


def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(alice):
    client = client_for(None)
    for attempt in range(4):
        assert _sign_in(client, "alice", f"wrong-{attempt}").status_code == 422
    assert _sign_in(client, "alice", PASSWORD).status_code == 302
    other = client_for(None)
    for attempt in range(4):  # the success reset the count: four more do not lock
        assert _sign_in(other, "alice", f"wrong-{attempt}").status_code == 422
    assert _sign_in(client_for(None), "alice", PASSWORD).status_code == 302


def test_lockout_page_is_translated(alice):
    client = client_for(None)
    for attempt in range(5):
        _sign_in(client, "alice", f"wrong-{attempt}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    r = _sign_in(client, "alice", PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 429
    body = r.content.decode()
    assert "登录失败次数过多" in body and "Too many failed" not in body


def test_lockout_page_says_the_configured_wait(alice, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)
    client = client_for(None)
    for attempt in range(6):
        r = _sign_in(client, "alice", f"wrong-{attempt}")
    assert r.status_code == 429
    assert "Try again in 40 minutes" in r.content.decode()


# The API ---------------------------------------------------------------------------------------


def _bearer(user):
    _, raw = token_create(user=user, name="ci")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_limit_per_user_gives_429_with_retry_after(settings, alice, olivia):
    settings.TRUCE_API_RATE = "3/min"
    client = client_for(None)
    auth = _bearer(alice)
    for _ in range(3):
        assert client.get("/api/v1/me", **auth).status_code == 200
    r = client.get("/api/v1/me", **auth)
    assert r.status_code == 429
    wait = int(r["Retry-After"])
    assert 1 <= wait <= 60
    error = r.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"] == f"Too many requests. Try again in {wait} seconds."
    # the session of the same user shares the count; another user has their own
    assert client_for(alice).get("/api/v1/me").status_code == 429
    assert client.get("/api/v1/me", **_bearer(olivia)).status_code == 200
    # writes count too, and a refused write changes nothing
    r = client_for(alice).post(
        "/api/v1/workspaces/spark/requirements", {"title": "x"}, content_type="application/json"
    )
    assert r.status_code == 429
    from truce.requirements.models import Requirement

    assert not Requirement.objects.exists()


def test_api_limit_window_ends(settings, alice, monkeypatch):
    settings.TRUCE_API_RATE = "2/min"
    client = client_for(alice)
    now = [60 * 16_667 + 20.0]  # 20 s into a minute window
    monkeypatch.setattr(throttle.time, "time", lambda: now[0])
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/me")["Retry-After"] == "40"
    now[0] += 40
    assert client.get("/api/v1/me").status_code == 200


def test_requests_that_do_not_authenticate_are_limited_per_address(settings, alice):
    settings.TRUCE_API_RATE_ANON = "2/min"
    guesser = client_for(None)
    wrong = {"HTTP_AUTHORIZATION": "Bearer truce_not-a-real-token", "REMOTE_ADDR": "10.0.0.9"}
    assert guesser.get("/api/v1/me", **wrong).status_code == 401
    assert guesser.get("/api/v1/me", REMOTE_ADDR="10.0.0.9").status_code == 401
    r = guesser.get("/api/v1/me", **wrong)
    assert r.status_code == 429 and r["Retry-After"].isdigit()
    assert r.json()["error"]["code"] == "rate_limited"
    # another address, and a valid token from the same address, are not affected
    assert guesser.get("/api/v1/me", REMOTE_ADDR="10.0.0.8").status_code == 401
    assert guesser.get("/api/v1/me", REMOTE_ADDR="10.0.0.9", **_bearer(alice)).status_code == 200


def test_api_limit_message_follows_the_language(settings, alice):
    settings.TRUCE_API_RATE = "1/min"
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    client = client_for(alice)
    client.get("/api/v1/me")
    r = client.get("/api/v1/me")
    from django.utils import translation

    with translation.override("zh-hans"):
        expected = translation.gettext("Too many requests. Try again in %(seconds)s seconds.")
    assert r.status_code == 429
    assert r.json()["error"]["message"] == expected % {"seconds": r["Retry-After"]}


def test_limits_can_be_switched_off(settings, alice):
    settings.TRUCE_API_RATE = "off"
    client = client_for(alice)
    assert all(client.get("/api/v1/me").status_code == 200 for _ in range(20))


def test_rates_parse_and_bad_ones_fail_at_start():
    assert parse_rate("600/min") == (600, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("5000/day") == (5000, 86400)
    assert parse_rate("off") is None
    for bad in ("600", "600/fortnight", "-1/min", "x/min", "0/min"):
        with pytest.raises(ValueError):
            parse_rate(bad)
    env = {**os.environ, "TRUCE_API_RATE": "lots", "DJANGO_SETTINGS_MODULE": "truce.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import truce.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "TRUCE_API_RATE='lots' is not a rate" in result.stderr


def test_default_limits_and_shared_cache_setting():
    """The limits tests run with (conftest.py) are not the shipped ones."""
    import truce.settings as shipped

    if "TRUCE_API_RATE" not in os.environ:
        assert shipped.TRUCE_API_RATE == "600/min"
    if "TRUCE_API_RATE_ANON" not in os.environ:
        assert shipped.TRUCE_API_RATE_ANON == "60/min"
    assert "throttle" in shipped.CACHES
