"""The audit log: every sensitive action leaves one append-only row with who, what, on what,
from where (address and user agent), when and whether it succeeded; admins read their
workspace's log, everyone their own account's, on a page and through the API."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, client_for
from truce.accounts import services
from truce.accounts.models import AuditAction, AuditEvent, Membership, Outcome
from truce.core.access import access_workspace
from truce.core.errors import Conflict

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (audit test)"


def browser(user=None, ip="203.0.113.7") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=UA, REMOTE_ADDR=ip)
    if user is not None:
        client.force_login(user)
    return client


def last(action, **lookup) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, **lookup).order_by("-id").first()


# Signing in and out --------------------------------------------------------------------------


def test_sign_in_is_recorded_with_address_and_user_agent(alice):
    r = browser().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    event = last(AuditAction.SIGNED_IN, actor=alice)
    assert (event.outcome, event.ip_address, event.user_agent) == ("success", "203.0.113.7", UA)
    assert event.workspace is None


def test_failed_sign_in_is_recorded_without_the_password(alice):
    browser().post(reverse("accounts:login"), {"username": "alice", "password": "wrong-guess-1"})
    event = last(AuditAction.SIGN_IN_FAILED)
    assert (event.actor, event.target, event.outcome) == (alice, "alice", Outcome.FAILURE)
    assert "wrong-guess-1" not in str(event.data)
    browser().post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
    assert last(AuditAction.SIGN_IN_FAILED, target="nobody").actor is None


def test_lockout_is_recorded(alice, settings):
    client = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == (
        settings.AXES_FAILURE_LIMIT - 1
    )
    event = last(AuditAction.LOCKED_OUT, actor=alice)
    assert event.outcome == Outcome.FAILURE and event.ip_address == "203.0.113.7"
    r = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.SIGNED_IN).exists()


def test_sign_out_is_recorded(alice):
    client = browser(alice)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert last(AuditAction.SIGNED_OUT, actor=alice).user_agent == UA


def test_address_behind_a_proxy_is_the_forwarded_one(alice, settings):
    settings.TRUCE_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    # the rightmost address is the one the trusted proxy saw; the left one is client-supplied
    assert last(AuditAction.SIGNED_IN).ip_address == "198.51.100.9"
    settings.TRUCE_PROXY_COUNT = 0
    client.post(reverse("accounts:logout"))
    assert last(AuditAction.SIGNED_OUT).ip_address == "10.0.0.2"


# Passwords, email, tokens --------------------------------------------------------------------


def test_password_change_and_wrong_current_password(alice, django_capture_on_commit_callbacks):
    client = browser(alice)
    url = reverse("accounts:password_change")
    data = {"new_password1": "brand-new-pass-77", "new_password2": "brand-new-pass-77"}
    assert client.post(url, {**data, "old_password": "not-it"}).status_code == 422
    failed = last(AuditAction.REAUTH_FAILED, actor=alice)
    assert failed.outcome == Outcome.FAILURE and failed.data == {"purpose": "password_change"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**data, "old_password": PASSWORD}).status_code == 302
    assert last(AuditAction.PASSWORD_CHANGED, actor=alice).ip_address == "203.0.113.7"
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.com"] and "password was changed" in notice.body


def test_password_reset_request_and_reset(alice, django_capture_on_commit_callbacks):
    client = browser()
    client.post(reverse("accounts:password_reset"), {"email": "alice@example.com"})
    assert last(AuditAction.PASSWORD_RESET_REQUESTED, actor=alice)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    r = client.get(link[link.index("/accounts/") :], follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            r.redirect_chain[-1][0],
            {"new_password1": "reset-pass-2026!", "new_password2": "reset-pass-2026!"},
        )
    assert r.status_code == 302
    assert last(AuditAction.PASSWORD_RESET, actor=alice).user_agent == UA
    assert "reset with a link" in mail.outbox[-1].body


def test_password_reset_for_an_unknown_address_records_nothing(db):
    browser().post(reverse("accounts:password_reset"), {"email": "ghost@example.com"})
    assert not AuditEvent.objects.exists()


def test_email_change_is_recorded_and_the_old_address_told(
    alice, django_capture_on_commit_callbacks
):
    client = browser(alice)
    data = {"display_name": "Alice", "email": "new@example.com", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("accounts:profile"), data).status_code == 302
    event = last(AuditAction.EMAIL_CHANGED, actor=alice)
    assert event.data == {"previous_email": "alice@example.com", "email": "new@example.com"}
    assert mail.outbox[-1].to == ["alice@example.com"]


def test_token_create_and_revoke(alice, django_capture_on_commit_callbacks):
    client = browser(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:tokens"), {"name": "Jira sync"})
    created = last(AuditAction.TOKEN_CREATED, actor=alice)
    token = alice.api_tokens.get()
    assert created.target == "Jira sync" and created.data["prefix"] == token.prefix
    assert created.ip_address == "203.0.113.7"
    assert "API token was created" in mail.outbox[-1].body
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert last(AuditAction.TOKEN_REVOKED, actor=alice).target == "Jira sync"


def test_signup_by_invitation(admin, workspace):
    ctx = access_workspace(admin, workspace.slug)
    _, raw = services.invitation_create(ctx=ctx, role="product", side="product")
    assert last(AuditAction.INVITATION_CREATED, workspace=workspace).actor == admin
    client = browser()
    url = reverse("accounts:invitation", args=[raw])
    client.post(url, {"username": "newbie", "password": "a-strong-pass-2026"})
    assert last(AuditAction.USER_SIGNED_UP).target == "newbie"
    joined = last(AuditAction.MEMBER_JOINED, workspace=workspace)
    assert joined.actor.username == "newbie" and joined.ip_address == "203.0.113.7"
    assert last(AuditAction.SIGNED_IN).actor.username == "newbie"


# Workspace administration --------------------------------------------------------------------


def test_membership_changes_and_invitation_revoke(admin, alice, workspace):
    client = browser(admin)
    member = Membership.objects.get(user=alice)
    client.post(
        reverse("accounts:member_update", args=["spark", member.pk]),
        {"role": "lead", "side": "product", "version": member.version},
    )
    changed = last(AuditAction.MEMBER_CHANGED, workspace=workspace)
    assert changed.data["after"] == {"role": "lead", "side": "product"}
    assert changed.ip_address == "203.0.113.7"
    client.post(reverse("accounts:member_remove", args=["spark", member.pk]))
    assert last(AuditAction.MEMBER_REMOVED, workspace=workspace).target == str(alice)
    ctx = access_workspace(admin, workspace.slug)
    invitation, _ = services.invitation_create(ctx=ctx, role="viewer", side="product")
    client.post(reverse("accounts:invitation_revoke", args=["spark", invitation.pk]))
    assert last(AuditAction.INVITATION_REVOKED, workspace=workspace).actor == admin


def test_workspace_settings_change(admin, workspace):
    client = browser(admin)
    url = reverse("accounts:settings", args=["spark"])
    client.post(url, {"name": "星火", "description": "", "version": workspace.version})
    assert last(AuditAction.WORKSPACE_UPDATED, workspace=workspace).data == {"name": "星火"}
    from truce.goals.services import goal_settings_update

    goal_settings_update(
        ctx=access_workspace(admin, "spark"), requires_lead_signature=False, expected_version=None
    )
    event = last(AuditAction.WORKSPACE_UPDATED, workspace=workspace)
    assert event.data == {"requires_lead_signature": False}


def test_export_is_recorded_with_its_filters(alice, workspace):
    r = browser(alice).get(
        reverse("interop:export", args=["spark", "requirements"]), {"status": "new", "q": "支付"}
    )
    assert r.status_code == 200
    event = last(AuditAction.EXPORTED, workspace=workspace)
    assert (event.actor, event.target) == (alice, "requirements")
    assert event.data == {"format": "xlsx", "filters": {"q": "支付", "status": "new"}}
    _, raw = services.token_create(user=alice, name="t")
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    r = token_client.get("/api/v1/workspaces/spark/exports/customers?format=csv")
    assert r.status_code == 200
    assert last(AuditAction.EXPORTED, workspace=workspace).data["format"] == "csv"


def test_import_commit_backup_and_restore(admin, workspace, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    from truce.interop import services as interop

    ctx = access_workspace(admin, "spark")
    upload = SimpleUploadedFile("jira.csv", b"Summary,Issue key\nOne-step checkout,SHOP-1\n")
    job = interop.import_upload(ctx=ctx, kind="requirements", upload=upload, preset="jira")
    interop.import_start(ctx=ctx, job=job, commit=False)
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT_COMMITTED).exists()
    job.refresh_from_db()
    interop.import_start(ctx=ctx, job=job, commit=True)
    event = last(AuditAction.IMPORT_COMMITTED, workspace=workspace)
    assert (event.actor, event.target, event.data["rows"]) == (admin, "jira.csv", 1)

    client = browser(admin)
    r = client.post(reverse("interop:backup", args=["spark"]))
    assert r.status_code == 200
    archive = b"".join(r.streaming_content)
    backup = last(AuditAction.WORKSPACE_BACKED_UP, workspace=workspace)
    assert backup.ip_address == "203.0.113.7" and backup.user_agent == UA
    r = client.post(
        reverse("interop:restore", args=["spark"]),
        {"file": SimpleUploadedFile("b.zip", archive), "slug": "spark-copy"},
    )
    assert r.status_code == 302
    restored = last(AuditAction.WORKSPACE_RESTORED)
    assert restored.workspace.slug == "spark-copy" and restored.actor == admin


def test_robot_and_webhook_changes_never_store_the_url(admin, workspace):
    from truce.integrations import services as integrations

    ctx = access_workspace(admin, "spark")
    url = "https://oapi.dingtalk.com/robot/send?access_token=s3cr3t-token"
    endpoint, _ = integrations.endpoint_create(
        ctx=ctx, name="钉钉群", kind="dingtalk", url=url, secret="SECabc"
    )
    created = last(AuditAction.ENDPOINT_CREATED, workspace=workspace)
    assert created.data == {"kind": "dingtalk", "host": "oapi.dingtalk.com"}
    integrations.endpoint_update(
        ctx=ctx, endpoint=endpoint, expected_version=endpoint.version, enabled=False, secret="x"
    )
    changed = last(AuditAction.ENDPOINT_CHANGED, workspace=workspace)
    assert changed.data["fields"] == ["enabled", "secret"]
    integrations.endpoint_delete(ctx=ctx, endpoint=endpoint)
    assert last(AuditAction.ENDPOINT_DELETED, workspace=workspace).target == "钉钉群"
    stored = " ".join(str(e.data) + e.target for e in AuditEvent.objects.all())
    assert "s3cr3t" not in stored and "SECabc" not in stored


# Append-only ---------------------------------------------------------------------------------


def test_events_cannot_be_changed_or_deleted(alice):
    event = services.audit(action=AuditAction.TOKEN_CREATED, actor=alice, target="x")
    event.target = "y"
    with pytest.raises(Conflict):
        event.save()
    with pytest.raises(Conflict):
        event.delete()
    with pytest.raises(Conflict):
        AuditEvent.objects.filter(pk=event.pk).update(target="y")
    with pytest.raises(Conflict):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.target == "x"


def test_database_refuses_updates_but_lets_a_deleted_user_go(alice, admin):
    event = services.audit(action=AuditAction.TOKEN_CREATED, actor=alice, target="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET target = 'y' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET created_at = %s WHERE id = %s",
            [timezone.now(), event.pk],
        )
    alice.delete()  # SET_NULL on the actor is the one update allowed
    assert AuditEvent.objects.get(pk=event.pk).actor is None


# Pages and API -------------------------------------------------------------------------------


@pytest.fixture
def history(admin, alice, lena, workspace):
    ctx = access_workspace(admin, "spark")
    for n in range(60):
        services.audit(
            action=AuditAction.INVITATION_CREATED, actor=admin, workspace=workspace, target=n
        )
    services.audit(action=AuditAction.MEMBER_CHANGED, actor=lena, workspace=workspace, target="x")
    services.audit(action=AuditAction.SIGNED_IN, actor=alice, target=alice)
    return ctx


def test_audit_page_filters_and_pages(admin, history):
    client = client_for(admin)
    url = reverse("accounts:audit", args=["spark"])
    r = client.get(url)
    assert r.status_code == 200
    assert r.context["page"].paginator.count == 61 and len(r.context["page"]) == 50
    assert "Next" in r.content.decode()
    assert all(e.workspace_id == history.workspace.pk for e in r.context["page"])
    r = client.get(url, {"action": "member.changed"})
    assert [e.actor.username for e in r.context["page"]] == ["lena"]
    r = client.get(url, {"actor": "admin", "page": 2})
    assert len(r.context["page"]) == 10
    assert "actor=admin&amp;page=1" in r.content.decode()
    today = timezone.localdate().isoformat()
    assert client.get(url, {"since": today, "until": today}).context["page"].paginator.count == 61
    r = client.get(url, {"since": "2020-01-01", "until": "2020-01-31"})
    assert r.context["page"].paginator.count == 0
    r = client.get(url, {"since": "not a date"})
    assert r.status_code == 200 and r.context["form"].errors["since"]


def test_audit_page_in_chinese(admin, history):
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    r = client_for(admin).get(reverse("accounts:audit", args=["spark"]))
    assert r.status_code == 200 and '<html lang="zh-hans">' in r.content.decode()


def test_audit_page_is_for_admins_only(alice, victor, charlie, history):
    url = reverse("accounts:audit", args=["spark"])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(victor).get(url).status_code == 403
    assert client_for(charlie).get(url).status_code == 404


def test_own_security_log(alice, admin, history):
    client = client_for(alice)
    r = client.get(reverse("accounts:security"))
    assert r.status_code == 200
    actions = [e.action for e in r.context["page"]]
    assert AuditAction.SIGNED_IN in actions and AuditAction.INVITATION_CREATED not in actions
    assert all(e.actor == alice for e in r.context["page"])
    r = client.get(reverse("accounts:security"), {"action": "token.created"})
    assert r.context["page"].paginator.count == 0


def test_audit_api(admin, alice, history):
    client = client_for(admin)
    r = client.get("/api/v1/workspaces/spark/audit-events", {"limit": 5, "offset": 1})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 61 and len(body["items"]) == 5
    assert body["items"][0]["action"] == "invitation.created"
    assert set(body["items"][0]) >= {"created_at", "actor", "outcome", "ip_address", "user_agent"}
    r = client.get("/api/v1/workspaces/spark/audit-events", {"actor": "lena"})
    assert [i["action_label"] for i in r.json()["items"]] == ["Member role or side changed"]
    r = client.get("/api/v1/workspaces/spark/audit-events", {"action": "nope"})
    assert r.status_code == 422
    assert client_for(alice).get("/api/v1/workspaces/spark/audit-events").status_code == 403
    mine = client_for(alice).get("/api/v1/me/security-events").json()
    assert {i["action"] for i in mine["items"]} == {"auth.signed_in"}
    assert all(i["actor"] == "alice" for i in mine["items"])
