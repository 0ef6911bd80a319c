from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, client_for, make_user
from truce.accounts.models import AuditAction, AuditEvent, Membership, User
from truce.accounts.services import invitation_create
from truce.core.access import access_workspace

pytestmark = pytest.mark.django_db


def test_login_redirects_to_last_workspace(alice):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    r = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    r = client.get(r["Location"])
    assert r.status_code == 302 and r["Location"] == "/w/spark/"


def test_wrong_password_shows_error_and_locks_out_after_five(alice, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
        assert r.status_code == 422 and b"correct username and password" in r.content
    r = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert r.status_code == 429
    r = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429  # cool-off applies even to the right password


def test_user_without_workspace_goes_to_workspace_list(db):
    user = make_user("newcomer")
    r = client_for(user).get("/")
    assert r["Location"] == reverse("accounts:workspaces")


def test_language_follows_user_then_browser(alice):
    client = client_for(alice)
    r = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/w/spark/"})
    assert r.status_code == 302 and r["Location"] == "/w/spark/"
    alice.refresh_from_db()
    assert alice.language == "zh-hans"
    r = client.get("/w/spark/members/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="zh-hans">' in r.content.decode()
    anon = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in anon.get(reverse("accounts:login")).content.decode()


def test_set_language_refuses_foreign_redirect(alice):
    r = client_for(alice).post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert r["Location"] == "/"


def test_overview_bounded_queries(alice, olivia, lena, victor, django_assert_max_num_queries):
    client = client_for(alice)
    for i in range(20):
        u = make_user(f"extra{i}")
        Membership.objects.create(
            workspace=alice.memberships.first().workspace, user=u, role="product", side="product"
        )
    with django_assert_max_num_queries(11):
        r = client.get("/w/spark/")
    assert r.status_code == 200 and "Extra19" in r.content.decode()


def test_members_page_bounded_queries(admin, alice, olivia, django_assert_max_num_queries):
    client = client_for(admin)
    with django_assert_max_num_queries(8):
        r = client.get("/w/spark/members/")
    assert r.status_code == 200 and b"olivia" in r.content


def test_member_role_change_by_htmx_returns_the_row(admin, alice):
    m = Membership.objects.get(user=alice)
    r = client_for(admin).post(
        reverse("accounts:member_update", args=["spark", m.pk]),
        {"role": "lead", "side": "product", "version": m.version},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert r.status_code == 200 and body.strip().startswith(f'<tr id="member-{m.pk}"')
    assert "Saved" in body and "<html" not in body
    m.refresh_from_db()
    assert m.role == "lead"


def test_member_role_change_with_stale_version_shows_the_other_change(admin, alice):
    m = Membership.objects.get(user=alice)
    url = reverse("accounts:member_update", args=["spark", m.pk])
    client = client_for(admin)
    client.post(url, {"role": "lead", "side": "product", "version": 1}, HTTP_HX_REQUEST="true")
    r = client.post(
        url, {"role": "viewer", "side": "product", "version": 1}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert "Someone else changed this" in body and "Now: Lead" in body
    m.refresh_from_db()
    assert m.role == "lead"


def test_member_remove(admin, alice):
    m = Membership.objects.get(user=alice)
    r = client_for(admin).post(reverse("accounts:member_remove", args=["spark", m.pk]))
    assert r.status_code == 302
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MEMBER_REMOVED).exists()


def test_token_creation_by_htmx_shows_secret_once(alice):
    client = client_for(alice)
    r = client.post(reverse("accounts:tokens"), {"name": "CI"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert body.strip().startswith('<div id="token-panel">')
    secret = re.search(r"truce_[\w-]+", body).group(0)
    assert secret not in client.get(reverse("accounts:tokens")).content.decode()


def test_token_form_errors_are_shown(alice):
    r = client_for(alice).post(reverse("accounts:tokens"), {"name": "", "expires_in_days": "-3"})
    assert r.status_code == 422
    assert r.context["form"].errors.keys() == {"name", "expires_in_days"}


def test_invitation_link_signup_and_join(admin, workspace):
    ctx = access_workspace(admin, workspace.slug)
    _, raw = invitation_create(ctx=ctx, role="operations", side="operations")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("accounts:invitation", args=[raw])
    assert b"Join" in client.get(url).content
    r = client.post(url, {"username": "newops", "password": "short"})
    assert r.status_code == 422 and not User.objects.filter(username="newops").exists()
    r = client.post(url, {"username": "newops", "password": "a-strong-pass-2026"})
    assert r.status_code == 302 and r["Location"] == "/w/spark/"
    assert Membership.objects.get(user__username="newops").role == "operations"
    assert client.get(url).status_code == 404  # used


def test_signed_in_user_joins_with_one_click(admin, workspace, charlie):
    ctx = access_workspace(admin, workspace.slug)
    _, raw = invitation_create(ctx=ctx, role="viewer", side="product")
    r = client_for(charlie).post(reverse("accounts:invitation", args=[raw]))
    assert r.status_code == 302
    assert Membership.objects.filter(user=charlie, workspace=workspace, role="viewer").exists()


def test_invitation_page_for_admin(admin):
    r = client_for(admin).post(
        reverse("accounts:invitation_new", args=["spark"]),
        {"role": "product", "side": "product", "ttl_days": 3},
    )
    assert r.status_code == 200 and "/invitations/" in r.context["link"]


def test_password_reset_mail_goes_through_the_task(alice):
    r = Client().post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change_is_audited(alice):
    client = client_for(alice)
    r = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "brand-new-pass-77",
            "new_password2": "brand-new-pass-77",
        },
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=alice).exists()


def test_workspace_settings_stale_version(admin):
    client = client_for(admin)
    url = reverse("accounts:settings", args=["spark"])
    assert client.post(url, {"name": "A", "description": "", "version": 1}).status_code == 302
    r = client.post(url, {"name": "B", "description": "", "version": 1})
    assert r.status_code == 422 and "Someone else changed this" in r.content.decode()


def test_create_workspace_page(alice):
    r = client_for(alice).post(
        reverse("accounts:workspaces"), {"name": "运营中心", "side": "product"}
    )
    assert r.status_code == 302


def test_error_pages_are_translated(alice):
    client = client_for(alice)
    r = client.get("/w/nope/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 404 and b"Not found" in r.content
    alice.language = "zh-hans"
    alice.save()
    r = client.get("/w/nope/")
    assert "找不到" in r.content.decode()


def test_viewer_gets_translated_403(victor):
    r = client_for(victor).get(reverse("accounts:settings", args=["spark"]))
    assert r.status_code == 403 and b"Only workspace admins" in r.content


def test_security_headers(alice):
    r = client_for(alice).get("/w/spark/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_healthz(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_overview_shows_pool_contested_items_and_triage_queue(alice, workspace):
    from truce.customers.models import Feedback
    from truce.requirements.models import Requirement
    from truce.requirements.services import requirement_create

    ctx = access_workspace(alice, workspace.slug)
    r = requirement_create(ctx=ctx, title="会员积分抵现")
    reason = {
        "code": "lens_divergence",
        "message_en": "Product rates this 0.90 but operations 0.10",
        "message_zh": "产品侧评分 0.90，运营侧 0.10",
    }
    Requirement.objects.filter(pk=r.pk).update(contested=True, contest_reasons=[reason])
    Feedback.objects.create(workspace=workspace, text="积分不能抵现")
    body = client_for(alice).get("/w/spark/").content.decode()
    assert "会员积分抵现" in body and "Product rates this 0.90" in body
    assert "1 feedback item waits for triage" in body
