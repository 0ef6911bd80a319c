"""A workspace can ask its admins to use two-step sign-in (ASVS 4.3.1): an admin without it
keeps working as a member but cannot manage the workspace until they turn it on; only an
admin who uses it can turn the setting on; page, API and zh-Hans."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from truce.accounts.models import AuditAction, AuditEvent, Membership, Role, Side, User
from truce.core.access import access_workspace

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _two_factor_on(user: User) -> None:
    user.totp_secret, user.totp_enabled_at = SECRET, timezone.now()
    user.save(update_fields=["totp_secret", "totp_enabled_at"])


def _second_admin(workspace) -> User:
    user = User.objects.create_user("ada", password="x-Passw0rd-long-9")
    Membership.objects.create(user=user, workspace=workspace, role=Role.ADMIN, side=Side.PRODUCT)
    return user


def _settings(client, workspace, **extra):
    data = {"name": workspace.name, "description": "", "version": workspace.version, **extra}
    return client.post(reverse("accounts:settings", args=[workspace.slug]), data)


def test_only_an_admin_with_two_step_sign_in_can_turn_it_on(admin, workspace, as_user):
    client = as_user(admin)
    r = _settings(client, workspace, admins_need_two_factor="on")
    assert "Turn on two-step sign-in for yourself first" in r.content.decode()
    workspace.refresh_from_db()
    assert not workspace.admins_need_two_factor
    _two_factor_on(admin)
    r = _settings(client, workspace, admins_need_two_factor="on")
    assert r.status_code == 302
    workspace.refresh_from_db()
    assert workspace.admins_need_two_factor
    event = AuditEvent.objects.filter(action=AuditAction.WORKSPACE_UPDATED).latest("pk")
    assert event.data["admins_need_two_factor"] is True


def test_an_admin_without_it_works_as_a_member_until_they_turn_it_on(
    admin, alice, workspace, as_user
):
    _two_factor_on(admin)
    workspace.admins_need_two_factor = True
    workspace.save()
    ada = _second_admin(workspace)
    client = as_user(ada)
    r = client.get(reverse("accounts:settings", args=[workspace.slug]))
    assert r.status_code == 403
    assert "This workspace asks its admins to use two-step sign-in." in r.content.decode()
    r = client.get(f"/api/v1/workspaces/{workspace.slug}/audit-events")
    assert r.status_code == 403 and "two-step sign-in" in r.json()["error"]["message"]
    assert client.get(reverse("requirements:list", args=[workspace.slug])).status_code == 200
    ctx = access_workspace(ada, workspace.slug, write=True)
    assert ctx.can_write and not ctx.is_admin and ctx.admin_needs_two_factor
    # members who are not admins are not concerned
    assert access_workspace(alice, workspace.slug).admin_needs_two_factor is False
    _two_factor_on(ada)
    assert client.get(reverse("accounts:settings", args=[workspace.slug])).status_code == 200
    assert access_workspace(ada, workspace.slug, admin=True).is_admin


def test_the_api_shows_and_changes_the_setting(admin, workspace, as_user):
    client = as_user(admin)
    url = f"/api/v1/workspaces/{workspace.slug}"
    assert client.get(url).json()["admins_need_two_factor"] is False
    etag = client.get(url)["ETag"]
    r = client.patch(
        url,
        {"name": workspace.name, "admins_need_two_factor": True},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 400
    assert "admins_need_two_factor" in r.json()["error"]["fields"]
    _two_factor_on(admin)
    r = client.patch(
        url,
        {"name": workspace.name, "admins_need_two_factor": True},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 200 and r.json()["admins_need_two_factor"] is True
    r = client.patch(  # omitted: kept
        url, {"name": "星火"}, content_type="application/json", HTTP_IF_MATCH=r["ETag"]
    )
    assert r.status_code == 200 and r.json()["admins_need_two_factor"] is True


def test_in_chinese(admin, workspace, as_user):
    _two_factor_on(admin)
    workspace.admins_need_two_factor = True
    workspace.save()
    ada = _second_admin(workspace)
    ada.language = "zh-hans"
    ada.save(update_fields=["language"])
    r = as_user(ada).get(reverse("accounts:settings", args=[workspace.slug]))
    assert "本工作区要求管理员使用两步登录" in r.content.decode()
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    page = as_user(admin).get(reverse("accounts:settings", args=[workspace.slug]))
    assert "管理员必须使用两步登录" in page.content.decode()
