from __future__ import annotations

from conftest import client_for
from truce.planning.models import Run

API = "/api/v1/workspaces/spark/planning"


def test_scenario_crud_with_if_match(alice, world, period):
    client = client_for(alice)
    body = {"name": "API 场景", "period_id": period.pk, "statuses": ["accepted"],
            "mandatory": ["#1"], "horizon": ["2026-07-01"], "product_floor": 0.2}  # fmt: skip
    r = client.post(f"{API}/scenarios", body, content_type="application/json")
    assert r.status_code == 201, r.content
    data, etag = r.json(), r["ETag"]
    assert data["mandatory"] == ["R1"] and data["horizon"] == ["2026-07-01"]
    url = f"{API}/scenarios/{data['id']}"
    assert client.get(f"{API}/scenarios").json()[0]["name"] == "API 场景"
    assert client.get(url)["ETag"] == etag
    r = client.patch(url, {"product_weight": 2}, content_type="application/json")
    assert r.status_code == 428
    r = client.patch(
        url, {"product_weight": 2}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert r.status_code == 200 and r.json()["product_weight"] == 2
    r = client.patch(url, {"name": "x"}, content_type="application/json", HTTP_IF_MATCH=etag)
    assert r.status_code == 412
    r = client.delete(url, HTTP_IF_MATCH=r.get("ETag") or client.get(url)["ETag"])
    assert r.status_code == 204


def test_bad_input_gets_field_messages(alice, world):
    r = client_for(alice).post(
        f"{API}/scenarios", {"name": "x", "excluded": ["C9"]}, content_type="application/json"
    )
    assert r.status_code == 400 and r.json()["error"]["fields"]["excluded"]
    r = client_for(alice).post(
        f"{API}/scenarios", {"name": "x", "product_weight": -1}, content_type="application/json"
    )
    assert r.status_code == 422


def test_run_returns_202_then_the_result_pareto_and_explanations(
    alice, scenario, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{API}/scenarios/{scenario.pk}/runs")
    assert r.status_code == 202
    started = r.json()
    r = client.get(started["url"])
    run = r.json()
    assert run["status"] == "done" and run["result"]["selected"]
    assert {i["id"] for i in run["items"]} >= set(run["result"]["selected"])
    assert client.get(f"{API}/scenarios/{scenario.pk}/runs").json()[0]["id"] == started["id"]
    pareto = client.get(f"{API}/runs/{started['id']}/pareto").json()
    assert pareto["complete"] and any(p["current"] for p in pareto["points"])
    why = client.get(f"{API}/runs/{started['id']}/items/R3/explanation").json()
    assert why["item"] == "R3" and why["included"] is False
    assert client.get(f"{API}/runs/{started['id']}/items/R99/explanation").status_code == 404


def test_adopt_needs_if_match(alice, run):
    client = client_for(alice)
    url = f"{API}/runs/{run.pk}/adopt"
    assert client.post(url, {"point": 0}, content_type="application/json").status_code == 428
    r = client.post(url, {"point": 0}, content_type="application/json", HTTP_IF_MATCH=run.etag)
    assert r.status_code == 200 and r.json()["result"]["adopted"] == 0
    r = client.post(url, {"point": 9}, content_type="application/json", HTTP_IF_MATCH=r["ETag"])
    assert r.status_code == 400 and "point" in r.json()["error"]["fields"]


def test_compare_runs(alice, ctx, run, django_capture_on_commit_callbacks):
    from truce.planning import services

    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_start(ctx=ctx, scenario=run.scenario)
    r = client_for(alice).get(f"{API}/compare?runs={run.pk}&runs={second.pk}")
    assert r.status_code == 200 and len(r.json()["runs"]) == 2
    assert r.json()["items"][0]["in"] == [True, True]
    r = client_for(alice).get(f"{API}/compare?runs={run.pk}")
    assert r.status_code == 400


def test_publish_list_and_sign(alice, olivia, lena, run):
    r = client_for(alice).post(f"{API}/runs/{run.pk}/publish")
    assert r.status_code == 201 and r.json()["agreed"] is False
    plan_id = r.json()["id"]
    for user in (alice, olivia, lena):
        r = client_for(user).post(f"{API}/plans/{plan_id}/sign")
        assert r.status_code == 201
    assert client_for(alice).post(f"{API}/plans/{plan_id}/sign").status_code == 409
    plan = client_for(alice).get(f"{API}/plans/{plan_id}").json()
    assert plan["agreed"] and plan["apply_report"]["moved"]
    assert client_for(alice).get(f"{API}/plans").json()[0]["id"] == plan_id


def test_run_still_queued_has_no_result(alice, ctx, scenario):
    from truce.planning import services

    run = services.run_start(ctx=ctx, scenario=scenario)
    r = client_for(alice).get(f"{API}/runs/{run.pk}")
    assert r.json()["status"] == "queued" and r.json()["result"] is None
    assert client_for(alice).get(f"{API}/runs/{run.pk}/pareto").json()["points"] == []
    assert Run.objects.count() == 1
