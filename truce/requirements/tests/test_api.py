from __future__ import annotations

import pytest
from django.test import Client

from truce.accounts.services import token_create
from truce.requirements.models import Requirement

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workspaces/spark/requirements"


def bearer(user, lang="en") -> Client:
    _, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=lang)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_create_get_patch_with_etags(alice, olivia):
    api = bearer(alice)
    r = post(
        api,
        BASE,
        {"title": "灰度发布", "tags": ["基础"], "owner_id": olivia.pk, "estimate_days": "3.5"},
    )
    assert r.status_code == 201
    body = r.json()
    assert body["number"] == 1 and body["owner"]["username"] == "olivia"
    assert body["origin_side"] == "product" and body["tags"] == ["基础"]
    etag = api.get(f"{BASE}/1")["ETag"]
    r = api.patch(f"{BASE}/1", {"title": "灰度 2"}, content_type="application/json")
    assert r.status_code == 428
    r = api.patch(
        f"{BASE}/1", {"title": "灰度 2"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api.patch(
        f"{BASE}/1", {"title": "lost"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert r.status_code == 412 and r["ETag"] == f'W/"{Requirement.objects.get().pk}-2"'
    assert Requirement.objects.get().title == "灰度 2"


def test_validation_errors_have_fields(alice, charlie):
    api = bearer(alice)
    r = post(api, BASE, {"title": "", "kind": "epic", "estimate_days": -1})
    assert r.status_code == 422
    assert {"title", "kind", "estimate_days"} <= set(r.json()["error"]["fields"])
    r = post(api, BASE, {"title": "x", "owner_id": charlie.pk})
    assert r.status_code == 400 and "owner" in r.json()["error"]["fields"]
    r = post(api, BASE, {"title": "x", "parent_number": 99})
    assert r.status_code == 400 and "parent_number" in r.json()["error"]["fields"]


def test_status_moves_and_refusal_message_in_chinese(alice):
    alice.language = ""  # follow the client's Accept-Language
    alice.save()
    api = bearer(alice, "zh-hans")
    post(api, BASE, {"title": "a"})
    etag = api.get(f"{BASE}/1")["ETag"]
    r = post(api, f"{BASE}/1/status", {"status": "released"})
    assert r.status_code == 428
    r = api.post(
        f"{BASE}/1/status",
        {"status": "released"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 400 and "不能从" in r.json()["error"]["message"]
    r = api.post(
        f"{BASE}/1/status",
        {"status": "under_review"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert r.status_code == 200 and r.json()["status"] == "under_review"


def test_list_filters_search_and_pagination(alice, olivia):
    api = bearer(alice)
    for i in range(7):
        post(
            api,
            BASE,
            {
                "title": f"优惠券 {i}" if i % 2 else f"Push {i}",
                "owner_id": olivia.pk if i < 3 else None,
            },
        )
    page = api.get(BASE, {"page_size": 3, "page": 2}).json()
    assert page["count"] == 7 and [r["number"] for r in page["items"]] == [4, 3, 2]
    found = api.get(BASE, {"q": "优惠"}).json()
    assert (found["count"], found["more"]) == (3, False)
    assert api.get(BASE, {"owner": olivia.pk}).json()["count"] == 3
    assert api.get(BASE, {"status": ["proposed", "accepted"]}).json()["count"] == 7
    assert api.get(BASE, {"sort": "nonsense"}).status_code == 422
    assert api.get(BASE, {"page_size": 1000}).status_code == 422


def test_bulk_status_all_or_nothing(alice):
    api = bearer(alice)
    for t in "ab":
        post(api, BASE, {"title": t})
    r = post(api, BASE + "-bulk-status", {"numbers": [1, 2, 99], "status": "under_review"})
    assert r.status_code == 400
    r = post(api, BASE + "-bulk-status", {"numbers": [1, 2], "status": "under_review"})
    assert r.json() == {"moved": 2}


def test_prerequisites_and_cycles(alice):
    api = bearer(alice)
    for t in "abc":
        post(api, BASE, {"title": t})
    assert post(api, f"{BASE}/1/prerequisites", {"number": 2}).status_code == 201
    assert post(api, f"{BASE}/2/prerequisites", {"number": 3}).status_code == 201
    r = post(api, f"{BASE}/3/prerequisites", {"number": 1})
    assert r.status_code == 409 and "#3 → #1 → #2 → #3" in r.json()["error"]["message"]
    assert [p["number"] for p in api.get(f"{BASE}/1/prerequisites").json()] == [2]
    assert api.delete(f"{BASE}/1/prerequisites/2").status_code == 204
    history = api.get(f"{BASE}/1/history").json()
    assert [h["verb"] for h in history][:2] == ["unlinked", "linked"]


def test_scores_api_respects_lenses(alice, olivia):
    post(bearer(alice), BASE, {"title": "a"})
    r = bearer(alice).put(
        f"{BASE}/1/scores", {"scores": {"reach": 5}}, content_type="application/json"
    )
    assert r.status_code == 403
    r = bearer(olivia).put(
        f"{BASE}/1/scores", {"scores": {"reach": 9, "growth": 8}}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["operations_score"] > 0.8
    assert {s["criterion"] for s in r.json()["scores"]} == {"reach", "growth"}


def test_scorecard_api_needs_if_match(lena):
    api = bearer(lena)
    r = api.get("/api/v1/workspaces/spark/scorecard")
    assert r.json()["method"] == "weighted" and len(r.json()["criteria"]) == 8
    body = {
        "method": "wsjf",
        "product_weight": 0.5,
        "operations_weight": 0.5,
        "contested_threshold": 0.3,
        "disagreement_threshold": 0.4,
    }
    assert (
        api.put(
            "/api/v1/workspaces/spark/scorecard", body, content_type="application/json"
        ).status_code
        == 428
    )
    r = api.put(
        "/api/v1/workspaces/spark/scorecard",
        body,
        content_type="application/json",
        HTTP_IF_MATCH=r["ETag"],
    )
    assert r.status_code == 200 and r.json()["method"] == "wsjf"


def test_a_broad_search_counts_up_to_the_cap(alice, monkeypatch):
    from truce.core import search

    api = bearer(alice)
    for i in range(4):
        post(api, BASE, {"title": f"优惠券 {i}"})
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    found = api.get(BASE, {"q": "优惠券", "page_size": 3}).json()
    assert (found["count"], found["more"]) == (2, True)
    assert [r["number"] for r in found["items"]] == [4, 3, 2]  # every match can still be read
    second = api.get(BASE, {"q": "优惠券", "page_size": 3, "page": 2}).json()
    assert [r["number"] for r in second["items"]] == [1]
    plain = api.get(BASE).json()
    assert (plain["count"], plain["more"]) == (4, False)  # only a search stops counting
