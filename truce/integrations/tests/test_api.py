"""The integrations API: CRUD for admins, reading for members, deliveries, test, redeliver."""

from __future__ import annotations

import pytest

from conftest import client_for
from truce.integrations import services
from truce.integrations.models import Delivery, Endpoint, Kind

pytestmark = pytest.mark.django_db

B = "/api/v1/workspaces/spark/integrations"
SLACK = "https://hooks.slack.com/services/T0/B0/secretpart"


@pytest.fixture
def slack(admin_ctx):
    endpoint, _ = services.endpoint_create(
        ctx=admin_ctx, name="#launches", kind=Kind.SLACK, url=SLACK, language="en", enabled=False
    )
    return endpoint


def test_create_generic_returns_the_secret_once(admin):
    client = client_for(admin)
    r = client.post(
        f"{B}/endpoints",
        {"name": "dw", "kind": "generic", "url": "https://dw.example.com/in", "events": ["*"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["secret"].startswith("whsec_") and r["ETag"]
    assert created["secret_masked"].endswith(created["secret"][-4:])
    again = client.get(f"{B}/endpoints/{created['id']}").json()
    assert again["secret"] is None and again["url"] == "https://dw.example.com/in"


def test_create_refuses_bad_input_with_field_messages(admin):
    r = client_for(admin).post(
        f"{B}/endpoints",
        {"name": "x", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert "url" in r.json()["error"]["fields"]
    r = client_for(admin).post(
        f"{B}/endpoints",
        {"name": "x", "kind": "telegram", "url": "https://t.me/x"},
        content_type="application/json",
    )
    assert r.status_code == 422


def test_members_list_without_credentials(slack, alice):
    r = client_for(alice).get(f"{B}/endpoints")
    assert r.status_code == 200
    [item] = r.json()
    assert item["url"] == "https://hooks.slack.com/…" and item["secret_masked"] == ""
    assert "secretpart" not in r.content.decode()


def test_admin_sees_the_full_url(slack, admin):
    [item] = client_for(admin).get(f"{B}/endpoints").json()
    assert item["url"] == SLACK


def test_patch_needs_if_match_and_returns_the_new_etag(slack, admin):
    client = client_for(admin)
    url = f"{B}/endpoints/{slack.pk}"
    body = {"enabled": True, "events": ["launch.go"]}
    assert client.patch(url, body, content_type="application/json").status_code == 428
    r = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=slack.etag)
    assert r.status_code == 200, r.content
    assert r.json()["enabled"] and r.json()["events"] == ["launch.go"]
    stale = client.patch(url, body, content_type="application/json", HTTP_IF_MATCH=slack.etag)
    assert stale.status_code == 412
    assert r["ETag"] == Endpoint.objects.get().etag


def test_patch_rotates_a_generic_secret(admin, admin_ctx):
    endpoint, old = services.endpoint_create(
        ctx=admin_ctx, name="dw", kind=Kind.GENERIC, url="https://dw.example.com/in"
    )
    r = client_for(admin).patch(
        f"{B}/endpoints/{endpoint.pk}",
        {"rotate_secret": True},
        content_type="application/json",
        HTTP_IF_MATCH=endpoint.etag,
    )
    assert r.status_code == 200 and r.json()["secret"] not in (None, old)


def test_delete(slack, admin):
    r = client_for(admin).delete(f"{B}/endpoints/{slack.pk}", HTTP_IF_MATCH=slack.etag)
    assert r.status_code == 204 and not Endpoint.objects.exists()


def test_test_message_and_deliveries(slack, admin, alice):
    r = client_for(admin).post(f"{B}/endpoints/{slack.pk}/test")
    assert r.status_code == 202
    queued = r.json()
    assert queued["kind"] == "truce.test" and queued["status"] == "pending"
    listed = client_for(alice).get(f"{B}/endpoints/{slack.pk}/deliveries?limit=5")
    assert listed.status_code == 200
    assert [d["uid"] for d in listed.json()] == [queued["uid"]]
    assert listed.json()[0]["attempt_log"] == []


def test_redeliver(slack, admin, admin_ctx):
    delivery = services.endpoint_test(ctx=admin_ctx, endpoint=slack)
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=6)
    r = client_for(admin).post(f"{B}/deliveries/{delivery.pk}/redeliver")
    assert r.status_code == 202 and r.json()["attempts"] == 0
    Delivery.objects.filter(pk=delivery.pk).update(status="sending")
    assert client_for(admin).post(f"{B}/deliveries/{delivery.pk}/redeliver").status_code == 409


def test_viewer_and_members_cannot_write(slack, victor, alice):
    for user in (victor, alice):
        client = client_for(user)
        r = client.post(
            f"{B}/endpoints",
            {"name": "x", "kind": "generic", "url": "https://example.com/x"},
            content_type="application/json",
        )
        assert r.status_code == 403
        assert client.post(f"{B}/endpoints/{slack.pk}/test").status_code == 403


def test_outsider_sees_nothing(slack, charlie):
    assert client_for(charlie).get(f"{B}/endpoints/{slack.pk}").status_code == 404
