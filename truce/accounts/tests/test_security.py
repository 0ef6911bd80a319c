"""Checks behind SECURITY.md (OWASP ASVS level 2): deployment settings, passwords, sessions,
re-authentication, cookies and headers, account enumeration, error pages, token storage.

Each test names the ASVS requirement it proves; SECURITY.md points back here.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone
from ninja import NinjaAPI

from conftest import PASSWORD, client_for
from truce import urls as truce_urls
from truce.accounts import services
from truce.accounts.models import ApiToken, AuditAction, AuditEvent, hash_secret
from truce.accounts.signals import SEEN_AT, SIGNED_IN_AT
from truce.api.errors import install as install_errors
from truce.core.incidents import IncidentFilter

ROOT = Path(__file__).resolve().parents[3]
NEW = "x-new-pass-1"

# V14.1 / V14.3: the production configuration -------------------------------------------------

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({k: getattr(s, k) for k in [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_NAME",
    "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SESSION_IDLE_SECONDS", "SESSION_MAX_AGE_SECONDS", "TRUCE_PROXY_COUNT"]}))
"""


def _run_with(tmp_path, **env):
    """Load the settings in a fresh interpreter with only these TRUCE_ variables set."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith("TRUCE_") and k != "DATABASE_URL"
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "truce.settings", "TRUCE_DATA_DIR": str(tmp_path)})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


PRODUCTION = {
    "TRUCE_SECRET_KEY": secrets.token_urlsafe(64),
    "TRUCE_ALLOWED_HOSTS": "truce.example.com",
    "TRUCE_BASE_URL": "https://truce.example.com",
    "TRUCE_HTTPS": "1",
    "TRUCE_BEHIND_PROXY": "1",
    "TRUCE_DEBUG": "0",
}


def test_deploy_check_passes_with_the_production_environment(tmp_path):
    done = _run_with(tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]  # V3.4.1
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]  # V3.4.2
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"  # V3.4.3
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")  # V3.4.4
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]  # V14.4.5
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["TRUCE_PROXY_COUNT"] == 1
    assert (values["SESSION_IDLE_SECONDS"], values["SESSION_MAX_AGE_SECONDS"]) == (1800, 43200)


def test_deploy_check_fails_without_https_or_with_debug(tmp_path):
    done = _run_with(tmp_path, **{**PRODUCTION, "TRUCE_HTTPS": "0", "TRUCE_DEBUG": "1"})
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W018"):
        assert warning in done.stderr, warning
    short = _run_with(tmp_path, **{**PRODUCTION, "TRUCE_SECRET_KEY": "too-short"})
    assert short.returncode != 0 and "TRUCE_SECRET_KEY" in short.stderr


# V2.1 / V2.4: passwords -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "839201746528",  # digits only: no composition rules (2.1.9)
        "产品和运营坐在一起商量",  # any Unicode (2.1.4)
        "Tq" + "7mZ-kL2pWx9vN4rB" * 3 + "Hj3sFd8aQe1uYc",  # 64 characters (2.1.2)
        "correct horse battery staple " * 4 + "x" * 12,  # 128 characters with spaces
    ],
)
def test_password_policy_accepts(password, db):
    password_validation.validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pw9", "password_too_short"),  # 2.1.1: at least 10
        ("x" * 129 + "!", "password_too_long"),  # 2.1.2: more than 128 refused
        ("password1234", "password_too_common"),  # 2.1.7: breached/common list
    ],
)
def test_password_policy_refuses(password, code, db):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password)
    assert code in [e.code for e in exc.value.error_list]


def test_argon2id_is_the_password_hasher():
    from truce import settings as configured  # the tests swap in a fast hasher

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")  # V2.4.1
    assert (
        Argon2PasswordHasher()
        .encode("x", Argon2PasswordHasher().salt())
        .startswith("argon2$argon2id$")
    )


def test_api_tokens_and_invitations_are_stored_hashed(alice):
    token, raw = services.token_create(user=alice, name="ci")
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["token_hash"] == hash_secret(raw)  # V2.10 / V3.5
    assert raw not in json.dumps(row, default=str)


# Account enumeration: the same answer whether or not the account exists -------------------------


def test_sign_in_says_the_same_for_unknown_users_and_wrong_passwords(alice):
    def error_for(username):
        r = Client().post(reverse("accounts:login"), {"username": username, "password": "nope"})
        return r.status_code, r.context["form"].non_field_errors()

    assert error_for("alice") == error_for("no-such-person")


def test_password_reset_says_the_same_for_unknown_addresses(alice):
    known = Client().post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "ghost@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


# V3: sessions --------------------------------------------------------------------------------


def test_sign_in_rotates_the_session_id(alice):
    client = Client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert client.session.session_key != before  # V3.2.1


def test_sign_out_ends_the_session_on_the_server(alice):
    client = client_for(alice)
    stolen = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    r = client.post(reverse("accounts:logout"))
    assert r["Clear-Site-Data"] == '"cache", "storage"'  # V8.2.3
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = stolen
    r = replay.get(reverse("accounts:profile"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]  # V3.3.1


def test_password_change_ends_the_other_sessions(alice):
    here, elsewhere = client_for(alice), client_for(alice)
    here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302  # V3.3.3


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(timezone.now().timestamp())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_session_ends(alice, settings):
    client = client_for(alice)
    _age_session(client, **{SEEN_AT: settings.SESSION_IDLE_SECONDS - 30})
    assert client.get(reverse("accounts:profile")).status_code == 200
    _age_session(client, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    r = client.get(reverse("accounts:profile"))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]  # V3.3.2
    event = AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED)
    assert event.actor == alice and event.data == {"reason": "idle"}
    r = client.get(r["Location"])
    assert "period of inactivity" in r.content.decode()


def test_session_ends_after_its_maximum_age_even_when_active(alice, settings):
    client = client_for(alice)
    _age_session(client, **{SIGNED_IN_AT: settings.SESSION_MAX_AGE_SECONDS + 1, SEEN_AT: 5})
    assert client.get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED).data == {"reason": "max_age"}


def test_activity_keeps_the_session_alive(alice):
    client = client_for(alice)
    _age_session(client, **{SEEN_AT: 120})
    client.get(reverse("accounts:profile"))
    assert int(timezone.now().timestamp()) - client.session[SEEN_AT] < 60


# V3.7: re-authentication for sensitive account changes ----------------------------------------


def test_token_page_asks_for_the_password_unless_signed_in_recently(alice, settings):
    client = client_for(alice)
    url = reverse("accounts:tokens")
    assert "current_password" not in client.get(url).context["form"].fields
    _age_session(client, **{SIGNED_IN_AT: settings.REAUTH_SECONDS + 1})
    r = client.post(url, {"name": "ci"})
    assert r.context["form"].errors["current_password"] and not alice.api_tokens.exists()
    r = client.post(url, {"name": "ci", "current_password": "wrong"})
    assert "incorrectly" in str(r.context["form"].errors["current_password"])
    assert AuditEvent.objects.filter(action=AuditAction.REAUTH_FAILED).count() == 1
    r = client.post(url, {"name": "ci", "current_password": PASSWORD})
    assert r.context["created"] and alice.api_tokens.count() == 1
    # confirmed a moment ago: the next token needs no password
    assert client.post(url, {"name": "ci-2"}).context["created"]


def test_bearer_token_cannot_make_tokens_or_change_email_without_password(alice):
    _, raw = services.token_create(user=alice, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    r = api.post("/api/v1/tokens", {"name": "more"}, content_type="application/json")
    assert r.status_code == 400 and "password" in r.json()["error"]["fields"]
    r = api.patch("/api/v1/me", {"email": "evil@example.com"}, content_type="application/json")
    assert r.status_code == 400 and "password" in r.json()["error"]["fields"]
    r = api.patch(
        "/api/v1/me",
        {"email": "new@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["email"] == "new@example.com"
    r = api.patch("/api/v1/me", {"display_name": "A"}, content_type="application/json")
    assert r.status_code == 200  # only the email needs it


def test_profile_email_change_needs_the_password_after_a_while(alice, settings):
    client = client_for(alice)
    _age_session(client, **{SIGNED_IN_AT: settings.REAUTH_SECONDS + 1})
    data = {"display_name": "Alice", "email": "other@example.com", "language": "en"}
    r = client.post(reverse("accounts:profile"), data)
    assert r.status_code == 422 and r.context["form"].errors["current_password"]
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    r = client.post(reverse("accounts:profile"), {**data, "current_password": PASSWORD})
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "other@example.com"


def test_password_guessing_through_confirmations_is_capped(alice, settings):
    _, raw = services.token_create(user=alice, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        body = {"name": "x", "password": "guess"}
        assert api.post("/api/v1/tokens", body, content_type="application/json").status_code == 400
    body = {"name": "x", "password": PASSWORD}
    r = api.post("/api/v1/tokens", body, content_type="application/json")
    assert r.status_code == 400 and "Too many" in r.json()["error"]["fields"]["password"][0]
    r = client_for(alice).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert r.status_code == 422 and "Too many" in r.content.decode()


# V4.2.2 CSRF, V14.4 headers, V8.2 caching --------------------------------------------------------


def test_forms_refuse_posts_without_the_csrf_token(alice):
    client = client_for(alice, enforce_csrf=True)
    assert client.post(reverse("accounts:profile"), {"display_name": "x"}).status_code == 403
    anon = Client(enforce_csrf_checks=True)
    r = anon.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 403


def test_security_headers_and_csp(alice):
    r = client_for(alice).get(reverse("accounts:profile"))
    csp = dict(
        part.strip().split(" ", 1) for part in r["Content-Security-Policy"].split(";") if part
    )
    assert "'nonce-" in csp["script-src"]
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"]  # V8.2.1
    cookie = r.cookies.get(django_settings.CSRF_COOKIE_NAME)
    if cookie is not None:
        assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_session_cookie_flags(alice):
    r = Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    cookie = r.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == django_settings.SESSION_MAX_AGE_SECONDS


# V7.4 / V14.3: errors leak nothing -------------------------------------------------------------


def _boom(request):
    raise RuntimeError("db password is hunter2")


def _api_boom(request):
    raise RuntimeError("db password is hunter2")


_boom_api = NinjaAPI(urls_namespace="boom-api")
install_errors(_boom_api)
_boom_api.get("/boom")(_api_boom)
_boom_api.get("/denied")(lambda request: (_ for _ in ()).throw(DjangoPermissionDenied()))

urlpatterns = [path("boom/", _boom), path("api/", _boom_api.urls), *truce_urls.urlpatterns]
handler500 = "truce.core.views.error_500"  # as in truce/urls.py
handler403 = "truce.core.views.error_403"


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_errors_show_a_plain_page(db):
    r = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get("/boom/")
    body = r.content.decode()
    assert r.status_code == 500 and "Server error" in body
    assert "hunter2" not in body and "Traceback" not in body and "RuntimeError" not in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_an_incident_id_the_log_carries(db, caplog):
    """V7.4.1: the page and the API give an id; the log line with the traceback carries it."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        page = client.get("/boom/").content.decode()
        r = client.get("/api/boom")
    incidents = re.findall(r"事件编号 ([0-9A-F]{8})", page)
    assert len(incidents) == 1 and "hunter2" not in page
    body = r.json()["error"]
    assert r.status_code == 500 and body["code"] == "server_error" and "hunter2" not in str(body)
    assert r["X-Truce-Incident"] in body["message"] and "管理员" in body["message"]
    filtered = IncidentFilter()
    lines = [(filtered.filter(rec), rec.getMessage(), rec.exc_info) for rec in caplog.records]
    for incident in (incidents[0], r["X-Truce-Incident"]):
        (line,) = [(m, e) for _, m, e in lines if f"[incident {incident}]" in m]
        assert "Internal Server Error" in line[0] and "hunter2" in str(line[1][1])
    assert incidents[0] != r["X-Truce-Incident"]


def test_refused_access_is_logged_with_who_and_from_where(charlie, caplog):
    """V7.1.3: an outsider's 404 on a workspace, a wrong bearer token's 401."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client_for(charlie).get("/w/spark/requirements/", REMOTE_ADDR="203.0.113.9")
        Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer tr_wrong", REMOTE_ADDR="203.0.113.7")
    filtered = IncidentFilter()
    lines = [rec.getMessage() for rec in caplog.records if filtered.filter(rec)]
    assert "Not Found: /w/spark/requirements/ user=charlie ip=203.0.113.9" in lines
    assert "Unauthorized: /api/v1/me user=- ip=203.0.113.7" in lines


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_api_leaves_djangos_own_refusals_to_django(db):
    r = Client(raise_request_exception=False).get("/api/denied")
    assert r.status_code == 403


def test_not_found_lists_no_url_patterns(db):
    r = Client().get("/no/such/page/")
    assert r.status_code == 404 and "URLconf" not in r.content.decode()


# V7: the audit log is part of every workspace backup --------------------------------------------


def test_audit_log_is_in_the_backup_registry():
    from truce.interop.registry import entries

    assert "accounts.auditevent" in {e.label for e in entries()}
