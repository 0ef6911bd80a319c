"""Endpoint services: who may manage them, validation, secrets shown once, concurrency."""

from __future__ import annotations

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PermissionDenied, PreconditionFailed, ValidationFailed
from truce.domain import signing
from truce.integrations import services
from truce.integrations.models import DEFAULT_EVENTS, Delivery, Endpoint, Kind

pytestmark = pytest.mark.django_db

FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/abc-123"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"


def _create(ctx, **extra):
    fields = {"name": "产品群", "kind": Kind.FEISHU, "url": FEISHU, **extra}
    return services.endpoint_create(ctx=ctx, **fields)


def test_admin_creates_a_feishu_robot_with_defaults(admin_ctx, admin):
    endpoint, revealed = _create(admin_ctx, secret=" fs-secret ")
    assert revealed is None  # the admin typed it; nothing to reveal
    assert endpoint.secret == "fs-secret"
    assert endpoint.events == DEFAULT_EVENTS
    assert endpoint.language == "zh-hans" and endpoint.enabled
    assert endpoint.created_by == admin


def test_a_generic_webhook_gets_a_generated_secret_returned_once(admin_ctx):
    endpoint, revealed = _create(
        admin_ctx, name="warehouse", kind=Kind.GENERIC, url="https://example.com/in"
    )
    assert revealed == endpoint.secret and revealed.startswith("whsec_")
    same, again = services.endpoint_update(
        ctx=admin_ctx, endpoint=endpoint, expected_version=endpoint.version, name="dw"
    )
    assert again is None and same.secret == revealed


def test_rotating_a_generic_secret(admin_ctx):
    endpoint, first = _create(admin_ctx, kind=Kind.GENERIC, url="https://example.com/in")
    endpoint, second = services.endpoint_update(
        ctx=admin_ctx, endpoint=endpoint, expected_version=endpoint.version, rotate_secret=True
    )
    assert second and second != first and Endpoint.objects.get().secret == second


def test_a_generic_webhook_cannot_lose_its_secret(admin_ctx):
    endpoint, _ = _create(admin_ctx, kind=Kind.GENERIC, url="https://example.com/in")
    with pytest.raises(ValidationFailed) as exc:
        services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=1, secret="")
    assert "secret" in exc.value.fields


@pytest.mark.parametrize("who", ["alice", "olivia", "lena", "victor"])
def test_only_admins_manage_endpoints(personas, workspace, admin_ctx, who):
    ctx = access_workspace(personas[who], workspace.slug)
    with pytest.raises(PermissionDenied):
        _create(ctx)
    endpoint, _ = _create(admin_ctx)
    with pytest.raises(PermissionDenied):
        services.endpoint_update(ctx=ctx, endpoint=endpoint, expected_version=1, enabled=False)
    with pytest.raises(PermissionDenied):
        services.endpoint_test(ctx=ctx, endpoint=endpoint)
    with pytest.raises(PermissionDenied):
        services.endpoint_delete(ctx=ctx, endpoint=endpoint)


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "https://example.com/not-a-robot"}, "url"),
        ({"kind": Kind.WECOM, "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "url"),
        ({"kind": Kind.WECOM, "url": WECOM, "secret": "x"}, "secret"),
        ({"kind": Kind.GENERIC, "url": "http://127.0.0.1:8000/x"}, "url"),
        ({"kind": Kind.GENERIC, "url": "http://[::1]/x"}, "url"),
        ({"kind": Kind.GENERIC, "url": "http://169.254.169.254/latest"}, "url"),
        ({"kind": Kind.GENERIC, "url": "http://localhost/x"}, "url"),
        ({"events": ["Requirement created"]}, "events"),
        ({"events": []}, "events"),
        ({"language": "fr"}, "language"),
        ({"kind": "telegram"}, "kind"),
        ({"name": "  "}, "name"),
        ({"rate_per_minute": 0}, "rate_per_minute"),
    ],
)
def test_invalid_endpoints_name_the_field(admin_ctx, fields, bad):
    with pytest.raises(ValidationFailed) as exc:
        _create(admin_ctx, **fields)
    assert bad in exc.value.fields, exc.value.fields
    assert not Endpoint.objects.exists()


def test_private_addresses_are_accepted_when_allowed(admin_ctx, allow_private):
    endpoint, _ = _create(admin_ctx, kind=Kind.GENERIC, url="http://127.0.0.1:9000/hook")
    assert endpoint.pk


def test_event_filters_are_normalised(admin_ctx):
    endpoint, _ = _create(admin_ctx, events="requirement, launch.go  requirement. *")
    assert endpoint.events == ["requirement.", "launch.go", "*"]


def test_names_are_unique_per_workspace(admin_ctx, charlie, other_workspace):
    _create(admin_ctx)
    with pytest.raises(ValidationFailed) as exc:
        _create(admin_ctx)
    assert "name" in exc.value.fields
    other = access_workspace(charlie, other_workspace.slug)
    assert _create(other)[0].pk  # another workspace may reuse it


def test_a_stale_update_is_refused(admin_ctx):
    endpoint, _ = _create(admin_ctx)
    services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=1, name="a")
    stale = Endpoint.objects.get()
    stale.version = 1
    with pytest.raises(PreconditionFailed):
        services.endpoint_update(ctx=admin_ctx, endpoint=stale, expected_version=1, name="b")
    assert Endpoint.objects.get().name == "a"


def test_kind_cannot_be_changed(admin_ctx):
    endpoint, _ = _create(admin_ctx)
    with pytest.raises(ValidationFailed):
        services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=1, kind="slack")


def test_removing_a_platform_secret(admin_ctx):
    endpoint, _ = _create(admin_ctx, secret="s")
    services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=1, secret="")
    assert Endpoint.objects.get().secret == ""


def test_delete_takes_the_log_with_it(admin_ctx):
    endpoint, _ = _create(admin_ctx)
    services.endpoint_test(ctx=admin_ctx, endpoint=endpoint)
    services.endpoint_delete(ctx=admin_ctx, endpoint=endpoint, expected_version=1)
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_stale_delete_is_refused(admin_ctx):
    endpoint, _ = _create(admin_ctx)
    with pytest.raises(PreconditionFailed):
        services.endpoint_delete(ctx=admin_ctx, endpoint=endpoint, expected_version=7)


def test_redeliver_needs_an_enabled_endpoint_and_an_idle_delivery(admin_ctx, workspace, alice):
    from truce.core import events
    from truce.integrations.dispatch import on_event

    endpoint, _ = _create(admin_ctx)
    on_event(events.emit(workspace=workspace, kind="requirement.created", actor=alice))
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="sending")
    with pytest.raises(Conflict):
        services.delivery_redeliver(ctx=admin_ctx, delivery=delivery)
    services.endpoint_update(ctx=admin_ctx, endpoint=endpoint, expected_version=1, enabled=False)
    delivery.refresh_from_db()
    with pytest.raises(Conflict):
        services.delivery_redeliver(ctx=admin_ctx, delivery=delivery)


def test_masked_secret_never_shows_the_whole(admin_ctx):
    endpoint, revealed = _create(admin_ctx, kind=Kind.GENERIC, url="https://example.com/in")
    masked = signing.mask_secret(endpoint.secret)
    assert revealed not in masked and masked.endswith(revealed[-4:])


def test_a_restored_endpoint_starts_disabled(admin_ctx, workspace):
    """A copy restored beside its original must not post every event a second time."""
    import io

    from truce.interop.archive import backup_workspace, restore_workspace

    original, _ = _create(admin_ctx, secret="fs-secret")
    archive = io.BytesIO()
    backup_workspace(workspace=workspace, target=archive)
    archive.seek(0)
    copy = restore_workspace(archive, slug="spark-copy")
    restored = Endpoint.objects.get(workspace=copy)
    assert (restored.name, restored.url, restored.secret) == ("产品群", FEISHU, "fs-secret")
    assert not restored.enabled
    original.refresh_from_db()
    assert original.enabled
