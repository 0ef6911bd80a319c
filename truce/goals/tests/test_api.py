from __future__ import annotations

import pytest
from django.test import Client

from truce.accounts.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workspaces/spark/goals"


def bearer(user, lang="en") -> Client:
    _, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=lang)


def post(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def test_plan_check_in_and_sign_over_the_api(alice, olivia, lena):
    api = bearer(alice)
    r = post(
        api, f"{BASE}/periods", {"name": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"}
    )
    assert r.status_code == 201
    period_id = r.json()["id"]
    r = post(api, f"{BASE}/periods/{period_id}/objectives", {"title": "提升转化", "side": "joint"})
    assert r.status_code == 201
    objective_id = r.json()["id"]
    body = {"title": "转化率", "baseline": 10, "target": 20, "unit": "%"}
    r = post(api, f"{BASE}/objectives/{objective_id}/key-results", body)
    assert r.status_code == 201 and r.json()["current"] == 10
    kr_id = r.json()["id"]
    r = post(api, f"{BASE}/key-results/{kr_id}/check-ins", {"value": 15, "confidence": 0.3})
    assert r.status_code == 201 and r.json()["progress"] == 0.5 and r.json()["at_risk"]
    assert "confidence" in r.json()["risk_reasons"][-1]
    for user in (alice, olivia, lena):
        assert post(bearer(user), f"{BASE}/periods/{period_id}/sign", {}).status_code == 201
    assert api.get(f"{BASE}/periods/{period_id}").json()["signoff"]["agreed"] is True


def test_patch_needs_if_match(alice, kr, objective):
    api = bearer(alice)
    url = f"{BASE}/key-results/{kr.pk}"
    assert api.patch(url, {"target": 30}, content_type="application/json").status_code == 428
    etag = api.get(url)["ETag"]
    r = api.patch(url, {"target": 30}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api.patch(url, {"target": 40}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert r.status_code == 412
    r = api.patch(
        f"{BASE}/objectives/{objective.pk}",
        {"title": "新"},
        content_type="application/json",
        HTTP_IF_MATCH=objective.etag,
    )
    assert r.status_code == 200 and r.json()["title"] == "新"


def test_alignment_and_links(alice, ctx, kr, period):
    from truce.requirements.services import requirement_create

    req = requirement_create(ctx=ctx, title="新人礼包")
    orphan = requirement_create(ctx=ctx, title="孤儿")
    api = bearer(alice)
    r = post(
        api, f"{BASE}/key-results/{kr.pk}/links", {"number": req.number, "contribution": "+1%"}
    )
    assert r.status_code == 201
    data = api.get(f"{BASE}/periods/{period.pk}/alignment").json()
    assert data["key_results"][0]["product"][0]["number"] == req.number
    assert [o["number"] for o in data["orphans"]] == [orphan.number]
    assert api.delete(f"{BASE}/key-results/{kr.pk}/links/{req.number}").status_code == 204


def test_risk_reasons_in_chinese(alice, kr):
    alice.language = ""
    alice.save()
    api = bearer(alice, "zh-hans")
    r = post(api, f"{BASE}/key-results/{kr.pk}/check-ins", {"value": 10, "confidence": 0.2})
    assert any("信心" in m for m in r.json()["risk_reasons"])


def test_settings_put_by_admin(admin, alice):
    api = bearer(admin)
    etag = api.get(f"{BASE}/settings")["ETag"]
    r = api.put(
        f"{BASE}/settings",
        {"requires_lead_signature": False},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 200 and r.json()["requires_lead_signature"] is False
