from __future__ import annotations

import pytest
from django.test import Client

from truce.accounts.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workspaces/spark/conflicts"


def bearer(user, lang="en") -> Client:
    _, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=lang)


def send(client, method, url, body=None, **extra):
    return getattr(client, method)(url, body or {}, content_type="application/json", **extra)


def test_from_contested_score_to_decision(alice, olivia, lena, contested):
    api = bearer(alice)
    r = send(api, "post", f"{BASE}-detect")
    assert r.status_code == 200 and r.json()["opened"] == [1]
    r = api.get(f"{BASE}/1")
    assert r.json()["requirement"] == contested.number and r.json()["source"] == "contested"
    r = send(api, "patch", f"{BASE}/1", {"product_position": "留存优先"}, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200
    r = send(bearer(olivia), "post", f"{BASE}/1/evidence", {"side": "operations", "label": "GMV"})
    assert r.status_code == 201
    r = send(api, "post", f"{BASE}/1/status", {"status": "escalated"},
             HTTP_IF_MATCH=api.get(f"{BASE}/1")["ETag"])  # fmt: skip
    assert r.json()["status"] == "escalated" and r.json()["escalated_at"]
    lead = bearer(lena)
    r = send(lead, "post", f"{BASE}/1/decide", {"outcome": "先灰度 10%"},
             HTTP_IF_MATCH=lead.get(f"{BASE}/1")["ETag"])  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "decided" and r.json()["decision"] == 1
    assert [c["number"] for c in api.get(f"{BASE}?status=decided").json()] == [1]
    assert api.get(f"{BASE}?source=manual").json() == []


def test_errors(alice):
    api = bearer(alice, "zh-hans")
    r = send(api, "post", BASE, {"title": "x", "requirement": 404})
    assert r.status_code == 400 and "requirement" in r.json()["error"]["fields"]
    r = send(api, "post", BASE, {"title": "x"})
    assert r.status_code == 201
    assert send(api, "patch", f"{BASE}/1", {"title": "y"}).status_code == 428
    r = send(api, "post", f"{BASE}/1/decide", {"outcome": "", "decision": 77},
             HTTP_IF_MATCH=r["ETag"])  # fmt: skip
    assert r.status_code == 400 and "decision" in r.json()["error"]["fields"]
    r = send(api, "post", f"{BASE}/1/status", {"status": "decided"},
             HTTP_IF_MATCH=api.get(f"{BASE}/1")["ETag"])  # fmt: skip
    assert r.status_code == 422  # only discussing/escalated are moves


def test_health_endpoint(alice):
    data = bearer(alice).get("/api/v1/workspaces/spark/health").json()
    assert {m["key"] for m in data["measures"]} >= {"launch_on_time", "cross_side_response"}
