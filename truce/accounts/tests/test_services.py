from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from truce.accounts import services
from truce.accounts.models import ApiToken, AuditAction, AuditEvent, Invitation, Membership, Role
from truce.core.access import access_workspace
from truce.core.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed

pytestmark = pytest.mark.django_db


def test_workspace_create_makes_creator_admin_and_audits(alice):
    ws = services.workspace_create(actor=alice, name="Growth Squad 增长")
    assert ws.slug == "growth-squad"
    m = Membership.objects.get(workspace=ws, user=alice)
    assert m.role == Role.ADMIN
    alice.refresh_from_db()
    assert alice.last_workspace == ws
    assert AuditEvent.objects.filter(workspace=ws, action=AuditAction.WORKSPACE_CREATED).exists()


def test_workspace_create_chinese_only_name_gets_a_slug(alice):
    ws = services.workspace_create(actor=alice, name="星火")
    assert ws.slug


def test_workspace_create_refuses_taken_slug(alice, workspace):
    with pytest.raises(ValidationFailed) as exc:
        services.workspace_create(actor=alice, name="x", slug=workspace.slug)
    assert "slug" in exc.value.fields


def test_workspace_create_refuses_empty_name_and_writes_nothing(alice):
    before = Membership.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.workspace_create(actor=alice, name="   ")
    assert "name" in exc.value.fields
    assert Membership.objects.count() == before


def test_workspace_update_detects_stale_version(admin, workspace):
    ctx = access_workspace(admin, workspace.slug)
    services.workspace_update(ctx=ctx, expected_version=1, name="新名字", description="")
    assert ctx.workspace.version == 2
    stale = access_workspace(admin, workspace.slug)
    with pytest.raises(PreconditionFailed) as exc:
        services.workspace_update(ctx=stale, expected_version=1, name="lost", description="")
    assert exc.value.current.name == "新名字"
    workspace.refresh_from_db()
    assert workspace.name == "新名字"


def test_membership_update_changes_role_and_audits(admin, alice, workspace):
    ctx = access_workspace(admin, workspace.slug)
    m = Membership.objects.get(user=alice)
    services.membership_update(
        ctx=ctx, membership=m, expected_version=m.version, role=Role.LEAD, side="product"
    )
    m.refresh_from_db()
    assert (m.role, m.version) == (Role.LEAD, 2)
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_CHANGED)
    assert event.data["before"]["role"] == "product"


def test_last_admin_cannot_be_demoted_or_removed(admin, workspace):
    ctx = access_workspace(admin, workspace.slug)
    with pytest.raises(Conflict):
        services.membership_update(
            ctx=ctx,
            membership=ctx.membership,
            expected_version=1,
            role=Role.PRODUCT,
            side="product",
        )
    with pytest.raises(Conflict):
        services.membership_remove(ctx=ctx, membership=ctx.membership)
    assert Membership.objects.filter(user=admin, role=Role.ADMIN).exists()


def test_membership_update_refuses_invalid_role(admin, alice, workspace):
    ctx = access_workspace(admin, workspace.slug)
    m = Membership.objects.get(user=alice)
    with pytest.raises(ValidationFailed) as exc:
        services.membership_update(
            ctx=ctx, membership=m, expected_version=1, role="boss", side="product"
        )
    assert "role" in exc.value.fields
    m.refresh_from_db()
    assert m.role == Role.PRODUCT


def test_invitation_round_trip_sends_email_and_joins(
    admin, workspace, charlie, django_capture_on_commit_callbacks
):
    ctx = access_workspace(admin, workspace.slug)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = services.invitation_create(
            ctx=ctx, role="operations", side="operations", email="new@example.com"
        )
    assert invitation.token_hash != raw  # only the hash is stored
    assert len(mail.outbox) == 1 and raw in mail.outbox[0].body
    membership = services.invitation_accept(user=charlie, raw_token=raw)
    assert membership.role == "operations" and membership.workspace == workspace
    with pytest.raises(NotFound):
        services.invitation_accept(user=charlie, raw_token=raw)  # used once only


def test_expired_and_revoked_invitations_are_refused(admin, workspace, charlie):
    ctx = access_workspace(admin, workspace.slug)
    inv, raw = services.invitation_create(ctx=ctx, role="viewer", side="product")
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(NotFound):
        services.invitation_accept(user=charlie, raw_token=raw)
    inv2, raw2 = services.invitation_create(ctx=ctx, role="viewer", side="product")
    services.invitation_revoke(ctx=ctx, invitation=inv2)
    with pytest.raises(NotFound):
        services.invitation_lookup(raw2)
    with pytest.raises(Conflict):
        services.invitation_revoke(ctx=ctx, invitation=inv2)


def test_member_cannot_accept_twice(admin, alice, workspace):
    ctx = access_workspace(admin, workspace.slug)
    _, raw = services.invitation_create(ctx=ctx, role="viewer", side="product")
    with pytest.raises(Conflict):
        services.invitation_accept(user=alice, raw_token=raw)


def test_user_signup_validates_password_and_username(db):
    with pytest.raises(ValidationFailed) as exc:
        services.user_signup(username="", email="bad", password="123")
    assert {"username", "email", "password"} <= set(exc.value.fields)
    user = services.user_signup(
        username="newbie", email="n@example.com", password="a-long-enough-pass-42"
    )
    assert user.check_password("a-long-enough-pass-42")


def test_token_is_hashed_shown_once_and_revocable(alice):
    token, raw = services.token_create(user=alice, name="jira sync", expires_in_days=30)
    assert raw.startswith("truce_") and raw not in token.token_hash
    assert token.prefix == raw[:12]
    assert services.token_authenticate(raw) == alice
    assert services.token_authenticate(raw + "x") is None
    services.token_revoke(user=alice, token=token)
    assert services.token_authenticate(raw) is None


def test_expired_token_does_not_authenticate(alice):
    token, raw = services.token_create(user=alice, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert services.token_authenticate(raw) is None


def test_token_of_inactive_user_does_not_authenticate(alice):
    _, raw = services.token_create(user=alice, name="x")
    alice.is_active = False
    alice.save()
    assert services.token_authenticate(raw) is None


def test_profile_update_validates_email(alice):
    with pytest.raises(ValidationFailed) as exc:
        services.user_update_profile(user=alice, display_name="A", email="nope", language="en")
    assert "email" in exc.value.fields
    services.user_update_profile(
        user=alice, display_name="爱丽", email="a@b.cn", language="zh-hans"
    )
    alice.refresh_from_db()
    assert (alice.display_name, alice.language) == ("爱丽", "zh-hans")


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_keep_one_admin(admin, alice, workspace):
    """Each counts the other as the admin left; without the workspace lock both would pass."""
    import threading
    from contextlib import suppress

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite write transactions are serial: the race cannot happen there")
    Membership.objects.filter(user=alice).update(role=Role.ADMIN)
    counted = threading.Barrier(2)
    original = services._admins_left_after

    def count_then_wait(membership, **kwargs):
        left = original(membership, **kwargs)
        # with the lock the other writer is still waiting for it, so this only times out
        with suppress(threading.BrokenBarrierError):
            counted.wait(2)
        return left

    outcomes: dict[str, str] = {}

    def demote(actor, target):
        from django.db import connections

        try:
            ctx = access_workspace(actor, "spark")
            m = Membership.objects.get(workspace=workspace, user=target)
            services.membership_update(
                ctx=ctx, membership=m, expected_version=None, role=Role.LEAD, side=m.side
            )
            outcomes[actor.username] = "demoted"
        except Conflict:
            outcomes[actor.username] = "refused"
        finally:
            connections.close_all()

    services._admins_left_after = count_then_wait
    try:
        threads = [
            threading.Thread(target=demote, args=(admin, alice)),
            threading.Thread(target=demote, args=(alice, admin)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        services._admins_left_after = original
    assert sorted(outcomes.values()) == ["demoted", "refused"]
    assert Membership.objects.filter(workspace=workspace, role=Role.ADMIN).count() == 1
