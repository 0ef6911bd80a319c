"""Integrations pages over HTTP: list, create, edit, delivery log, test and redeliver."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.domain.webhooks import Outcome
from truce.integrations import services
from truce.integrations.models import Delivery, DeliveryStatus, Endpoint, Kind
from truce.integrations.sender import record_attempt
from truce.integrations.transport import Response

pytestmark = pytest.mark.django_db

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY-123"


@pytest.fixture
def robot(admin_ctx):
    endpoint, _ = services.endpoint_create(
        ctx=admin_ctx, name="运营群机器人", kind=Kind.WECOM, url=WECOM, enabled=False
    )
    return endpoint


def _logged(endpoint, admin_ctx, n=3):
    for i in range(n):
        delivery = services.endpoint_test(ctx=admin_ctx, endpoint=endpoint)
        record_attempt(
            delivery,
            outcome=Outcome(False, False, f"wecom error 9300{i}: invalid webhook url"),
            answer=Response(200, '{"errcode":93000}'),
            started_at=delivery.created_at,
        )


def test_members_read_the_list_without_credentials(robot, alice, workspace):
    r = client_for(alice).get(reverse("integrations:endpoints", args=[workspace.slug]))
    assert r.status_code == 200
    body = r.content.decode()
    assert "运营群机器人" in body and "https://qyapi.weixin.qq.com/…" in body
    assert "SECRET-KEY-123" not in body
    assert reverse("integrations:endpoint_new", args=[workspace.slug]) not in body


def test_admin_sees_the_new_button_and_the_list_is_bounded(
    robot, admin, admin_ctx, workspace, django_assert_max_num_queries
):
    for i in range(4):
        endpoint, _ = services.endpoint_create(
            ctx=admin_ctx, name=f"robot {i}", kind=Kind.WECOM, url=WECOM, enabled=False
        )
        _logged(endpoint, admin_ctx, n=2)
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("integrations:endpoints", args=[workspace.slug]))
    assert r.status_code == 200
    assert reverse("integrations:endpoint_new", args=[workspace.slug]) in r.content.decode()
    assert r.content.decode().count("delivery-failed") == 4


def test_create_a_generic_webhook_shows_the_secret_once(admin, workspace):
    client = client_for(admin)
    url = reverse("integrations:endpoint_new", args=[workspace.slug])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "name": "Data warehouse",
            "kind": "generic",
            "url": "https://dw.example.com/truce",
            "events": "requirement. decision.recorded",
            "language": "en",
            "rate_per_minute": 30,
            "enabled": "on",
        },
    )
    assert r.status_code == 200
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["requirement.", "decision.recorded"]
    assert endpoint.rate_per_minute == 30
    assert endpoint.secret in r.content.decode()
    again = client.get(reverse("integrations:endpoint", args=[workspace.slug, endpoint.pk]))
    assert endpoint.secret not in again.content.decode()
    assert endpoint.secret[-4:] in again.content.decode()  # the masked form


def test_create_shows_field_errors(admin, workspace):
    r = client_for(admin).post(
        reverse("integrations:endpoint_new", args=[workspace.slug]),
        {
            "name": "x",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send",
            "events": "requirement.",
            "language": "zh-hans",
            "rate_per_minute": 60,
        },
    )
    assert r.status_code == 422
    assert "access_token=" in r.content.decode()  # the example of the right shape
    assert not Endpoint.objects.exists()


def test_edit_keeps_the_secret_unless_a_new_one_is_typed(admin, admin_ctx, workspace):
    endpoint, _ = services.endpoint_create(
        ctx=admin_ctx,
        name="飞书",
        kind=Kind.FEISHU,
        url="https://open.feishu.cn/open-apis/bot/v2/hook/x",
        secret="keep-me-please",
    )
    client = client_for(admin)
    url = reverse("integrations:endpoint_edit", args=[workspace.slug, endpoint.pk])
    page = client.get(url)
    assert page.status_code == 200 and "keep-me-please" not in page.content.decode()
    data = {
        "name": "飞书 产品群",
        "url": endpoint.url,
        "events": "*",
        "language": "en",
        "rate_per_minute": 60,
        "version": endpoint.version,
    }
    r = client.post(url, data)
    assert r.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.name == "飞书 产品群" and endpoint.secret == "keep-me-please"
    assert not endpoint.enabled and endpoint.events == ["*"]


def test_edit_with_a_stale_version_shows_theirs(admin, admin_ctx, workspace, robot):
    services.endpoint_update(ctx=admin_ctx, endpoint=robot, expected_version=1, name="theirs")
    r = client_for(admin).post(
        reverse("integrations:endpoint_edit", args=[workspace.slug, robot.pk]),
        {
            "name": "mine",
            "url": WECOM,
            "events": "*",
            "language": "en",
            "rate_per_minute": 60,
            "version": 1,
        },
    )
    assert r.status_code == 409
    assert "theirs" in r.content.decode() and 'value="2"' in r.content.decode()
    assert Endpoint.objects.get().name == "theirs"


def test_rotate_secret_on_edit_reveals_the_new_one(admin, admin_ctx, workspace):
    endpoint, old = services.endpoint_create(
        ctx=admin_ctx, name="dw", kind=Kind.GENERIC, url="https://dw.example.com/in"
    )
    r = client_for(admin).post(
        reverse("integrations:endpoint_edit", args=[workspace.slug, endpoint.pk]),
        {
            "name": "dw",
            "url": endpoint.url,
            "events": "*",
            "language": "en",
            "rate_per_minute": 60,
            "version": 1,
            "rotate_secret": "on",
            "enabled": "on",
        },
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in r.content.decode()


def test_delivery_log_shows_attempts_with_bounded_queries(
    robot, admin_ctx, alice, workspace, django_assert_max_num_queries
):
    _logged(robot, admin_ctx, n=5)
    client = client_for(alice)
    url = reverse("integrations:endpoint", args=[workspace.slug, robot.pk])
    with django_assert_max_num_queries(10):
        r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert body.count('class="attempt"') == 5
    assert "wecom error 93004" in body and "errcode" in body
    assert "SECRET-KEY-123" not in body  # only admins see the URL
    assert "Redeliver" not in body and "Send test message" not in body


def test_admin_sees_the_url_and_the_buttons(robot, admin, admin_ctx, workspace):
    _logged(robot, admin_ctx, n=1)
    r = client_for(admin).get(reverse("integrations:endpoint", args=[workspace.slug, robot.pk]))
    body = r.content.decode()
    assert "SECRET-KEY-123" in body and "Redeliver" in body and "Send test message" in body


def test_the_log_partial_for_htmx(robot, admin_ctx, alice, workspace):
    _logged(robot, admin_ctx, n=1)
    r = client_for(alice).get(
        reverse("integrations:endpoint", args=[workspace.slug, robot.pk]), HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert r.status_code == 200 and body.lstrip().startswith('<div id="deliveries"')
    assert "<html" not in body


def test_send_test_message_queues_a_delivery(robot, admin, workspace):
    r = client_for(admin).post(
        reverse("integrations:endpoint_test", args=[workspace.slug, robot.pk])
    )
    assert r.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.kind == "truce.test" and delivery.requested_by == admin


def test_redeliver_button(robot, admin, admin_ctx, workspace):
    _logged(robot, admin_ctx, n=1)
    delivery = Delivery.objects.get()
    r = client_for(admin).post(
        reverse("integrations:redeliver", args=[workspace.slug, delivery.pk])
    )
    assert r.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0


def test_redeliver_refusal_is_a_message_not_an_error(robot, admin, admin_ctx, workspace):
    _logged(robot, admin_ctx, n=1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status="sending")
    client = client_for(admin)
    r = client.post(
        reverse("integrations:redeliver", args=[workspace.slug, delivery.pk]), follow=True
    )
    assert r.status_code == 200 and "being sent right now" in r.content.decode()


def test_delete(robot, admin, workspace):
    r = client_for(admin).post(
        reverse("integrations:endpoint_delete", args=[workspace.slug, robot.pk]),
        {"version": robot.version},
    )
    assert r.status_code == 302 and not Endpoint.objects.exists()


def test_pages_in_chinese(robot, admin, workspace):
    """Content is shown as entered; the page switches language with the user's choice."""
    admin.language = "zh-hans"
    admin.save(update_fields=["language"])
    client = client_for(admin)
    r = client.get(reverse("integrations:endpoints", args=[workspace.slug]))
    assert r.status_code == 200
    body = r.content.decode()
    assert 'lang="zh-hans"' in body and "运营群机器人" in body
