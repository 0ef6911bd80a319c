from __future__ import annotations

import pytest
from django.test import Client

from truce.accounts.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workspaces/spark/launches"


def bearer(user, lang="en") -> Client:
    _, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=lang)


def send(client, method, url, body=None, **extra):
    return getattr(client, method)(url, body or {}, content_type="application/json", **extra)


def test_plan_to_go_over_the_api(alice, olivia, lena, feature, campaign):
    api = bearer(alice)
    body = {"name": "直播购物车上线", "target_date": "2026-12-20",
            "requirements": [feature.number], "campaigns": [campaign.number]}  # fmt: skip
    r = send(api, "post", BASE, body)
    assert r.status_code == 201, r.content
    launch = r.json()
    n, launch_etag = launch["number"], r["ETag"]
    assert launch["requirements"] == [feature.number] and launch["campaigns"] == [1]
    assert launch["readiness"]["open_blocking"] > 0
    # every checklist item done, one PATCH each with its own ETag
    for item in launch["checklist"]:
        url = f"{BASE}/{n}/checklist/{item['id']}"
        r = send(
            api, "patch", url, {"done": True}, HTTP_IF_MATCH=f'W/"{item["id"]}-{item["version"]}"'
        )
        assert r.status_code == 200 and r.json()["done"] is True
    r = send(api, "post", f"{BASE}/{n}/status", {"status": "ready_for_review"},
             HTTP_IF_MATCH=launch_etag)  # fmt: skip
    assert r.status_code == 200, r.content
    for user in (alice, olivia, lena):
        r = send(bearer(user), "post", f"{BASE}/{n}/votes", {"go": True})
        assert r.status_code == 201, r.content
    r = api.get(f"{BASE}/{n}")
    assert r.json()["status"] == "go" and r.json()["verdict"]["outcome"] == "go"
    r = send(api, "post", f"{BASE}/{n}/status", {"status": "launched"}, HTTP_IF_MATCH=r["ETag"])
    assert r.json()["status"] == "launched"
    r = send(api, "put", f"{BASE}/{n}/review", {"went_well": "联动顺畅", "finish": True})
    assert r.status_code == 200 and r.json()["went_well"] == "联动顺畅"
    assert api.get(f"{BASE}/{n}").json()["status"] == "reviewed"
    assert api.get(f"{BASE}/{n}/review").json()["version"] == 1


def test_errors_are_translated_and_precise(alice, launch):
    api = bearer(alice, "zh-hans")
    r = send(api, "post", BASE, {"name": "x", "target_date": "2026-12-20", "requirements": [999]})
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["requirements"]
    r = send(api, "patch", f"{BASE}/{launch.number}", {"name": "y"})
    assert r.status_code == 428
    r = send(api, "patch", f"{BASE}/{launch.number}", {"name": "y"},
             HTTP_IF_MATCH=f'W/"{launch.pk}-{launch.version + 5}"')  # fmt: skip
    assert r.status_code == 412
    r = send(api, "post", f"{BASE}/{launch.number}/status", {"status": "go"},
             HTTP_IF_MATCH=launch.etag)  # fmt: skip
    assert r.status_code == 409
    r = send(api, "post", f"{BASE}/{launch.number}/votes", {"go": False})
    assert r.status_code == 409  # not under review yet


def test_milestones_and_timeline(alice, launch):
    api = bearer(alice)
    r = send(
        api, "post", f"{BASE}/{launch.number}/milestones", {"kind": "custom", "due": "2026-12-01"}
    )
    assert r.status_code == 400 and "name" in r.json()["error"]["fields"]
    r = send(api, "post", f"{BASE}/{launch.number}/milestones",
             {"kind": "custom", "name": "客服培训", "due": "2026-12-01"})  # fmt: skip
    assert r.status_code == 201
    m = r.json()
    url = f"{BASE}/{launch.number}/milestones/{m['id']}"
    r = send(api, "patch", url, {"done": True}, HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 200 and r.json()["done"]
    assert api.delete(url).status_code == 428
    assert api.delete(url, HTTP_IF_MATCH=r["ETag"]).status_code == 204
    data = api.get(f"{BASE}-timeline").json()
    assert {b["kind"] for b in data["bars"]} == {"launch", "campaign"}
    assert api.get(f"{BASE}?status=planning").json()[0]["number"] == launch.number
    assert api.get(f"{BASE}?status=go").json() == []


def test_checklist_apply_is_idempotent(alice, launch):
    api = bearer(alice)
    before = len(api.get(f"{BASE}/{launch.number}").json()["checklist"])
    r = send(api, "post", f"{BASE}/{launch.number}/checklist/apply", {"key": "feature_launch"})
    assert r.status_code == 200 and len(r.json()) == before
    r = send(api, "post", f"{BASE}/{launch.number}/checklist/apply", {"key": "campaign_launch"})
    assert len(r.json()) > before
    r = send(api, "post", f"{BASE}/{launch.number}/checklist/apply", {"key": "nope"})
    assert r.status_code == 400
