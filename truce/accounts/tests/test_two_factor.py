"""Two-step sign-in (ASVS 2.3, 2.7/2.8 level 2): turning it on with an authenticator app, signing
in with a code or a recovery code, codes never accepted twice, wrong codes capped, turning it
off; page, API and zh-Hans."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from conftest import PASSWORD
from truce.accounts import totp, twofactor
from truce.accounts.models import AuditAction, AuditEvent, RecoveryCode, User, hash_secret

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _now_code(secret: str = SECRET, shift: int = 0) -> str:
    return totp.code_at(secret, totp.step_of(time.time()) + shift)


def _with_two_factor(user: User) -> list[str]:
    codes = totp.new_recovery_codes()
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = SECRET, timezone.now(), 0
    user.save()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=totp.hash_recovery_code(c)) for c in codes
    )
    return codes


def _password_step(client: Client, username: str = "alice", next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def _signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


# The codes themselves (pure) -----------------------------------------------------------------


def test_rfc_6238_test_vector():
    secret = totp.base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, totp.step_of(59)) == "287082"  # RFC 6238: 94287082 at T=59
    assert totp.code_at(secret, totp.step_of(1111111109)) == "081804"  # 07081804


def test_codes_are_accepted_one_step_either_side_and_only_after_the_last_one():
    now = 1_700_000_000
    step = totp.step_of(now)
    for shift in (-1, 0, 1):
        assert totp.matching_step(SECRET, totp.code_at(SECRET, step + shift), now) == step + shift
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step + 2), now) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, step), now, after=step) is None
    assert totp.matching_step(SECRET, " 123 456 ", now) in (None, step - 1, step, step + 1)
    assert totp.matching_step(SECRET, "abcdef", now) is None
    assert totp.matching_step("", "123456", now) is None


def test_key_uri_and_recovery_codes():
    uri = totp.provisioning_uri(SECRET, "alice@example.com", "Truce")
    assert uri.startswith("otpauth://totp/Truce:alice@example.com?secret=" + SECRET)
    assert "issuer=Truce" in uri and "period=30" in uri
    codes = totp.new_recovery_codes()
    assert len(codes) == len(set(codes)) == 10
    assert all(totp.is_recovery_code(c) and totp.is_recovery_code(c.upper()) for c in codes)
    assert len(totp.new_secret()) == 32 and totp.grouped("ABCDEFGH") == "ABCD EFGH"


def test_recovery_codes_are_stored_salted():
    # ASVS 2.6.2: under 112 bits, so each code gets its own random 32-bit salt before SHA-256.
    code = totp.new_recovery_codes()[0]
    first, second = totp.hash_recovery_code(code), totp.hash_recovery_code(code)
    assert first != second and len(first.split("$")[0]) == 8
    assert totp.recovery_code_matches(code.upper(), first)
    assert totp.recovery_code_matches(code.replace("-", " "), second)
    assert not totp.recovery_code_matches(totp.new_recovery_codes()[0], first)


def test_a_code_stored_before_salting_still_signs_in_once(alice):
    codes = _with_two_factor(alice)
    old = codes[0]
    RecoveryCode.objects.filter(user=alice).delete()
    RecoveryCode.objects.create(user=alice, code_hash=hash_secret(totp.clean(old)))
    assert twofactor.check_code(alice, old) == "recovery"
    assert twofactor.check_code(alice, old) == ""
    assert twofactor.recovery_codes_left(alice) == 0


# Turning it on and off --------------------------------------------------------------------------


def test_turning_it_on(alice, as_user, django_capture_on_commit_callbacks):
    client = as_user(alice)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert 'id="totp-qr"><svg' in page and 'id="totp-secret"' in page
    secret = client.session[twofactor.PENDING_SECRET]
    assert totp.grouped(secret) in page
    assert client.get(reverse("accounts:two_factor")).context["setup"].secret == secret  # kept
    url = reverse("accounts:two_factor")
    r = client.post(url, {"action": "enable", "code": "000000", "password": PASSWORD})
    assert "That code is not right." in r.content.decode()
    r = client.post(url, {"action": "enable", "code": _now_code(secret), "password": "wrong"})
    assert "Your password was entered incorrectly." in r.content.decode()
    alice.refresh_from_db()
    assert not alice.two_factor
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"action": "enable", "code": _now_code(secret), "password": PASSWORD})
    page = r.content.decode()
    assert "Two-step sign-in is on." in page and 'id="recovery-codes"' in page
    codes = r.context["new_codes"]
    assert len(codes) == 10 and all(c in page for c in codes)
    alice.refresh_from_db()
    assert alice.two_factor and alice.totp_secret == secret
    assert RecoveryCode.objects.filter(user=alice).count() == 10
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENABLED, actor=alice).exists()
    assert any("Two-step sign-in was turned on" in m.body for m in mail.outbox)
    page = client.get(url).content.decode()
    assert "10 recovery codes left" in page and "totp-qr" not in page
    assert not any(c in page for c in codes)  # shown once


def test_turning_it_off_needs_the_password_and_a_code(
    alice, as_user, django_capture_on_commit_callbacks
):
    _with_two_factor(alice)
    client = as_user(alice)
    url = reverse("accounts:two_factor")
    r = client.post(url, {"action": "disable", "off-code": _now_code(), "off-password": "x"})
    assert "Your password was entered incorrectly." in r.content.decode()
    r = client.post(url, {"action": "disable", "off-code": "111111", "off-password": PASSWORD})
    assert "That code is not right." in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            url,
            {"action": "disable", "off-code": _now_code(), "off-password": PASSWORD},
            follow=True,
        )
    assert "Two-step sign-in is off." in r.content.decode()
    alice.refresh_from_db()
    assert not alice.two_factor and alice.totp_secret == ""
    assert not RecoveryCode.objects.filter(user=alice).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_DISABLED).exists()
    assert any("turned off" in m.body for m in mail.outbox)
    # signing in is one step again
    assert _password_step(Client(HTTP_ACCEPT_LANGUAGE="en")).url == "/"


def test_new_recovery_codes_replace_the_old_ones(alice, as_user):
    old = _with_two_factor(alice)
    client = as_user(alice)
    r = client.post(reverse("accounts:two_factor"), {"action": "codes", "new-code": _now_code()})
    new = r.context["new_codes"]
    assert "the old ones no longer work" in r.content.decode()
    assert twofactor.check_code(alice, old[0]) == ""
    assert twofactor.check_code(alice, new[0]) == "recovery"
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_CREATED).exists()


# Signing in --------------------------------------------------------------------------------------


def test_signing_in_takes_the_password_then_a_code(alice):
    _with_two_factor(alice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = _password_step(client, next_url="/accounts/tokens/")
    assert r.status_code == 302 and r.url == reverse("accounts:login_code")
    assert not _signed_in(client)  # not yet
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNED_IN).exists()
    page = client.get(reverse("accounts:login_code")).content.decode()
    assert 'autocomplete="one-time-code"' in page
    r = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert "That code is not right." in r.content.decode()
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.actor == alice and failed.data == {"reason": "second_factor"}
    code = _now_code()
    r = client.post(reverse("accounts:login_code"), {"code": code})
    assert r.status_code == 302 and r.url == "/accounts/tokens/"
    assert _signed_in(client)
    assert AuditEvent.objects.filter(action=AuditAction.SIGNED_IN, actor=alice).count() == 1
    # the same code cannot sign in a second browser
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    _password_step(other)
    r = other.post(reverse("accounts:login_code"), {"code": code})
    assert "That code is not right." in r.content.decode() and not _signed_in(other)


def test_a_recovery_code_signs_in_once(alice):
    codes = _with_two_factor(alice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _password_step(client)
    r = client.post(reverse("accounts:login_code"), {"code": codes[3].upper()}, follow=True)
    assert "You signed in with a recovery code; 9 are left." in r.content.decode()
    assert _signed_in(client)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODE_USED).exists()
    again = Client(HTTP_ACCEPT_LANGUAGE="en")
    _password_step(again)
    r = again.post(reverse("accounts:login_code"), {"code": codes[3]})
    assert "That code is not right." in r.content.decode() and not _signed_in(again)


def test_the_code_step_needs_a_recent_password_step(alice):
    _with_two_factor(alice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(reverse("accounts:login_code")).url == reverse("accounts:login")
    _password_step(client)
    later = time.time() + twofactor.PENDING_SECONDS + 1
    with mock.patch("truce.accounts.twofactor.time.time", return_value=later):
        r = client.post(reverse("accounts:login_code"), {"code": _now_code()})
    assert r.status_code == 302 and r.url == reverse("accounts:login")
    assert not _signed_in(client)


def test_wrong_codes_are_capped(alice):
    _with_two_factor(alice)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _password_step(client)
    for _ in range(twofactor.CODE_FAILURE_LIMIT):
        client.post(reverse("accounts:login_code"), {"code": "000000"})
    r = client.post(reverse("accounts:login_code"), {"code": _now_code()})
    assert "Too many wrong codes. Try again later." in r.content.decode()
    assert not _signed_in(client)
    past = timezone.now() + timedelta(hours=2)  # after the cool-off
    with mock.patch("django.utils.timezone.now", return_value=past):
        assert not twofactor.code_paused(alice)


def test_an_account_without_it_signs_in_in_one_step(alice):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _password_step(client).url == "/"
    assert _signed_in(client)


# API ----------------------------------------------------------------------------------------------


def test_the_api_shows_it_and_turns_it_off(alice, as_user):
    client = as_user(alice)
    assert client.get("/api/v1/me").json()["two_factor"] is False
    assert client.get("/api/v1/me/two-factor").json() == {
        "enabled": False,
        "enabled_at": None,
        "recovery_codes_left": 0,
    }
    _with_two_factor(alice)
    body = client.get("/api/v1/me/two-factor").json()
    assert body["enabled"] is True and body["recovery_codes_left"] == 10
    r = client.post(
        "/api/v1/me/two-factor/off",
        {"password": PASSWORD, "code": "000000"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "code" in r.json()["error"]["fields"]
    r = client.post(
        "/api/v1/me/two-factor/off",
        {"password": PASSWORD, "code": _now_code()},
        content_type="application/json",
    )
    assert r.status_code == 204
    alice.refresh_from_db()
    assert not alice.two_factor


@pytest.mark.parametrize("language", ["zh-hans"])
def test_in_chinese(alice, language):
    alice.language = language
    alice.save(update_fields=["language"])
    _with_two_factor(alice)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    _password_step(client)
    page = client.get(reverse("accounts:login_code")).content.decode()
    assert "两步登录" in page
    r = client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert "验证码不对" in r.content.decode()
    client.post(reverse("accounts:login_code"), {"code": _now_code()})
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "关闭两步登录" in page
    with translation.override(language):
        assert str(AuditAction.TWO_FACTOR_ENABLED.label) == "已开启两步登录"


def test_an_administrator_can_turn_it_off_for_someone_who_lost_everything(alice):
    from io import StringIO

    from django.core.management import CommandError, call_command

    _with_two_factor(alice)
    out = StringIO()
    call_command("two_factor_off", "alice", stdout=out)
    assert "Two-step sign-in is off for alice" in out.getvalue()
    alice.refresh_from_db()
    assert not alice.two_factor and not RecoveryCode.objects.filter(user=alice).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
    assert event.data == {"by": "administrator"}
    with pytest.raises(CommandError, match="already off"):
        call_command("two_factor_off", "alice")
    with pytest.raises(CommandError, match="no account"):
        call_command("two_factor_off", "nobody")


def test_a_reused_code_is_recorded_and_mailed(alice, django_capture_on_commit_callbacks):
    _with_two_factor(alice)
    code = _now_code()
    assert twofactor.check_code(alice, code) == "totp"
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _password_step(client)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("accounts:login_code"), {"code": code})
    assert "That code is not right." in r.content.decode() and not _signed_in(client)
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.data == {"reason": "second_factor", "reused": True}
    assert any("entered a second time" in m.body for m in mail.outbox)
