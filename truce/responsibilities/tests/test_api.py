from __future__ import annotations

import pytest

from conftest import client_for
from truce.responsibilities.models import Assignment

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/spark"


def put(client, url, body, etag):
    return client.put(url, body, content_type="application/json", HTTP_IF_MATCH=etag)


def test_matrix_get_and_put_a_row_with_if_match(alice, req, acts, m):
    client = client_for(alice)
    matrix = client.get(f"{BASE}/requirements/{req.number}/raci").json()
    release = next(r for r in matrix["rows"] if r["key"] == "release")
    assert release["gap"] and release["version"] == 0 and release["name_zh"] == "发布"
    url = f"{BASE}/requirements/{req.number}/raci/{release['activity_id']}"
    body = {"assignments": [{"member_id": m["alice"], "letter": "A"},
                            {"member_id": m["lena"], "letter": "R"}]}  # fmt: skip
    r = put(client, url, body, release["etag"])
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 1 and r["ETag"] == r.json()["etag"]
    assert {c["username"]: c["letter"] for c in r.json()["assignments"]} == {
        "alice": "A",
        "lena": "R",
    }
    stale = put(client, url, body, release["etag"])
    assert stale.status_code == 412 and stale["ETag"] == r.json()["etag"]
    assert put(client, url, body, None).status_code == 428


def test_second_accountable_is_refused_with_fields(alice, req, acts, m):
    url = f"{BASE}/requirements/{req.number}/raci/{acts['release'].pk}"
    body = {"assignments": [{"member_id": m["alice"], "letter": "A"},
                            {"member_id": m["olivia"], "letter": "A"},
                            {"member_id": m["lena"], "letter": "R"}]}  # fmt: skip
    r = put(client_for(alice), url, body, f'W/"{acts["release"].pk}-0"')
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "invalid" and "Accountable" in error["fields"]["assignments"][0]
    assert not Assignment.objects.exists()


def test_unknown_letters_fail_validation(alice, req, acts, m):
    url = f"{BASE}/requirements/{req.number}/raci/{acts['release'].pk}"
    body = {"assignments": [{"member_id": m["alice"], "letter": "X"}]}
    r = put(client_for(alice), url, body, f'W/"{acts["release"].pk}-0"')
    assert r.status_code == 422


def test_templates_list_and_update(alice, lena, acts):
    listed = client_for(alice).get(f"{BASE}/raci/templates", {"work_type": "campaign"}).json()
    assert "campaign_planning" in [a["key"] for a in listed]
    a = acts["promotion"]
    body = {"name": "Promotion", "name_zh": "推广投放", "position": 5,
            "default_product": "C", "default_operations": "AR"}  # fmt: skip
    url = f"{BASE}/raci/templates/{a.pk}"
    assert put(client_for(alice), url, body, a.etag).status_code == 403
    r = put(client_for(lena), url, body, a.etag)
    assert r.status_code == 200 and r.json()["name_zh"] == "推广投放" and r.json()["version"] == 2


def test_report(alice, ctx, req, acts, m):
    from truce.responsibilities.services import row_save

    row_save(ctx=ctx, requirement=req, activity=acts["release"], expected_version=0,
             cells=[(m["alice"], "A"), (m["lena"], "R")])  # fmt: skip
    row_save(ctx=ctx, requirement=req, activity=acts["promotion"], expected_version=0,
             cells=[(m["olivia"], "A"), (m["lena"], "R")])  # fmt: skip
    r = client_for(alice).get(f"{BASE}/raci/report", {"overload": 1})
    data = r.json()
    assert r.status_code == 200 and data["threshold"] == 1
    assert data["gaps"][0]["requirement"]["number"] == req.number
    assert "release" not in data["gaps"][0]["activities"]
    assert data["handoffs"] == [
        {
            "requirement": {"number": req.number, "title": "新人礼包", "status": "proposed"},
            "from_activity": "release",
            "to_activity": "promotion",
            "from_side": "product",
            "to_side": "operations",
        }
    ]
    assert data["overloaded"] == []
