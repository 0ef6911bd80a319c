from __future__ import annotations

import pytest

from conftest import client_for
from truce.core.access import access_workspace
from truce.customers import services
from truce.customers.models import Feedback
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def ctx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


@pytest.fixture
def client(olivia):
    return client_for(olivia)


def test_customer_crud_with_etags(client):
    base = "/api/v1/workspaces/spark/customers"
    r = client.post(base, {"name": "京东", "value": "800000.00"}, content_type=JSON)
    assert r.status_code == 201 and r.json()["segment"] == "A"
    cid, etag = r.json()["id"], r["ETag"]
    client.post(base, {"name": "小店", "value": "10", "churn_risk": True}, content_type=JSON)
    r = client.get(base, {"churn_risk": "true"})
    assert [c["name"] for c in r.json()["items"]] == ["小店"] and r.json()["count"] == 1
    assert client.get(f"{base}/{cid}")["ETag"] == etag
    r = client.patch(f"{base}/{cid}", {"notes": "大促"}, content_type=JSON)
    assert r.status_code == 428
    r = client.patch(f"{base}/{cid}", {"notes": "大促"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client.patch(f"{base}/{cid}", {"notes": "lost"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert r.status_code == 412 and r.json()["error"]["code"] == "stale"
    assert r["ETag"] == f'W/"{cid}-2"'
    assert client.delete(f"{base}/{cid}", HTTP_IF_MATCH=etag).status_code == 412
    assert client.delete(f"{base}/{cid}").status_code == 428
    assert client.delete(f"{base}/{cid}", HTTP_IF_MATCH=f'W/"{cid}-2"').status_code == 204
    assert client.get(f"{base}/{cid}").status_code == 404


def test_customer_validation_errors(client):
    r = client.post(
        "/api/v1/workspaces/spark/customers", {"name": "", "value": "-1"}, content_type=JSON
    )
    assert r.status_code == 422 and {"name", "value"} <= set(r.json()["error"]["fields"])


def test_segment_policy_get_and_put(admin, olivia):
    url = "/api/v1/workspaces/spark/segment-policy"
    r = client_for(olivia).get(url)
    assert r.json() == {"a_share": 0.8, "b_share": 0.15, "version": 1}
    etag = r["ETag"]
    admin_client = client_for(admin)
    r = admin_client.put(
        url, {"a_share": 0.9, "b_share": 0.2}, content_type=JSON, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 400 and "b_share" in r.json()["error"]["fields"]
    r = admin_client.put(
        url, {"a_share": 0.7, "b_share": 0.2}, content_type=JSON, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = client_for(olivia).put(url, {"a_share": 0.7, "b_share": 0.2}, content_type=JSON)
    assert r.status_code == 403  # thresholds are the admins' call


def test_feedback_triage_over_http(client, ctx):
    customer = services.customer_create(ctx=ctx, name="美团", value=100)
    req = requirement_create(ctx=ctx, title="夜间模式")
    base = "/api/v1/workspaces/spark/feedback"
    r = client.post(
        base,
        {"text": "晚上太亮了，想要夜间模式", "customer_id": customer.pk, "channel": "app_store"},
        content_type=JSON,
    )
    assert r.status_code == 201 and r.json()["customer"]["name"] == "美团"
    fid, etag = r.json()["id"], r["ETag"]
    assert client.get(base, {"q": "夜间"}).json()["count"] == 1
    similar = client.get(f"{base}/{fid}/similar").json()
    assert [s["number"] for s in similar] == [req.number]
    r = client.post(f"{base}/{fid}/link", {"number": 999}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert r.status_code == 400 and "number" in r.json()["error"]["fields"]
    r = client.post(
        f"{base}/{fid}/link", {"number": req.number}, content_type=JSON, HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["requirement"]["number"] == req.number
    assert client.get(base, {"status": "new"}).json()["count"] == 0
    r = client.get(f"/api/v1/workspaces/spark/requirements/{req.number}/customers").json()
    assert r["demand_value"] == "100.00" and r["top_segment"] == "A"
    assert r["customers"][0]["channels"] == ["app_store"]
    r = client.post(f"{base}/{fid}/unlink", HTTP_IF_MATCH=r_etag(client, base, fid))
    assert r.status_code == 200 and r.json()["status"] == "new"
    r = client.post(f"{base}/{fid}/dismiss", HTTP_IF_MATCH=etag)
    assert r.status_code == 412


def r_etag(client, base, fid) -> str:
    return client.get(f"{base}/{fid}")["ETag"]


def test_feedback_create_requirement_and_patch(client, ctx):
    fb = services.feedback_create(ctx=ctx, text="发票抬头要能保存")
    base = f"/api/v1/workspaces/spark/feedback/{fb.pk}"
    r = client.post(
        f"{base}/create-requirement",
        {"title": "保存发票抬头"},
        content_type=JSON,
        HTTP_IF_MATCH=fb.etag,
    )
    assert r.status_code == 201
    body = r.json()
    assert body["requirement"]["title"] == "保存发票抬头"
    assert body["feedback"]["status"] == "linked"
    etag = client.get(base)["ETag"]
    r = client.patch(base, {"channel": "pigeon"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert r.status_code == 422
    r = client.patch(
        base,
        {"channel": "sales", "customer_id": 12345},
        content_type=JSON,
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 400 and "customer_id" in r.json()["error"]["fields"]
    r = client.patch(base, {"channel": "sales"}, content_type=JSON, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and Feedback.objects.get(pk=fb.pk).channel == "sales"
