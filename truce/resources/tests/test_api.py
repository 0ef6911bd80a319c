from __future__ import annotations

import pytest

from conftest import client_for
from truce.core.models import DomainEvent
from truce.domain import capacity as cap
from truce.resources import services
from truce.resources.models import Campaign, Demand, ResourcePool
from truce.resources.tests.conftest import scheduled_requirement

pytestmark = pytest.mark.django_db
W = "/api/v1/workspaces/spark"


def _json(client, method, url, data=None, etag=None):
    extra = {"HTTP_IF_MATCH": etag} if etag else {}
    return getattr(client, method)(url, data=data or {}, content_type="application/json", **extra)


def test_pool_crud(alice):
    client = client_for(alice)
    r = _json(client, "post", f"{W}/pools", {"name": "研发人日", "kind": "days", "side": "product"})
    assert r.status_code == 201 and r.json()["granularity"] == "month"
    pool_id, etag = r.json()["id"], r["ETag"]
    assert [p["name"] for p in client.get(f"{W}/pools").json()] == ["研发人日"]
    r = client.get(f"{W}/pools/{pool_id}")
    assert r.status_code == 200 and r["ETag"] == etag
    r = _json(client, "patch", f"{W}/pools/{pool_id}", {"unit": "人日"})
    assert r.status_code == 428
    r = _json(client, "patch", f"{W}/pools/{pool_id}", {"unit": "人日"}, etag)
    assert r.status_code == 200 and r.json()["unit"] == "人日"
    r = _json(client, "patch", f"{W}/pools/{pool_id}", {"unit": "天"}, etag)
    assert r.status_code == 412
    r = _json(client, "patch", f"{W}/pools/{pool_id}", {"name": None}, f'W/"{pool_id}-2"')
    assert r.status_code == 400 and "name" in r.json()["error"]["fields"]
    r = _json(client, "delete", f"{W}/pools/{pool_id}", etag=f'W/"{pool_id}-2"')
    assert r.status_code == 204 and not ResourcePool.objects.exists()


def test_pool_create_errors(alice):
    client = client_for(alice)
    r = _json(client, "post", f"{W}/pools", {"name": "x", "kind": "money", "side": "operations"})
    assert r.status_code == 403
    r = _json(client, "post", f"{W}/pools", {"name": "x", "kind": "hours", "side": "product"})
    assert r.status_code == 422


def test_capacities_put_and_get(alice, dev, month):
    client = client_for(alice)
    url = f"{W}/pools/{dev.pk}/capacities"
    label, later = cap.label(month, "month"), cap.label(cap.shift(month, "month", 1), "month")
    body = {"capacities": [{"period": later, "amount": 30}, {"period": label, "amount": 25}]}
    r = _json(client, "put", url, body, dev.etag)
    assert r.status_code == 200
    assert [(c["period"], c["amount"]) for c in r.json()["capacities"]] == [
        (label, "25.00"),
        (later, "30.00"),
    ]
    assert _json(client, "put", url, body, dev.etag).status_code == 412
    r = client.get(url)
    etag = r["ETag"]
    bad = {"capacities": [{"period": "2026-W01", "amount": 1}]}
    r = _json(client, "put", url, bad, etag)
    assert r.status_code == 400 and "capacities.0.period" in r.json()["error"]["fields"]
    twice = {"capacities": [{"period": label, "amount": 1}, {"period": label, "amount": 2}]}
    assert _json(client, "put", url, twice, etag).status_code == 400
    assert _json(client, "put", url, {"capacities": []}, etag).status_code == 200
    assert not dev.capacities.exists()


def test_utilisation_endpoint(alice, ctx, dev, month):
    busy = scheduled_requirement(ctx, "灰度发布")
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=25, requirement=busy)
    r = client_for(alice).get(f"{W}/utilisation", {"overcommitted": "true"})
    assert r.status_code == 200
    [row] = r.json()
    assert (row["pool"], row["capacity"], row["scheduled"], row["overcommitted"]) == (
        "研发人日",
        "20.00",
        "25.00",
        True,
    )
    assert row["utilisation"] == pytest.approx(1.25)
    assert client_for(alice).get(f"{W}/utilisation", {"pool_id": 999}).json() == []


def test_campaign_crud_and_status(olivia, requirement):
    client = client_for(olivia)
    body = {
        "title": "社群拉新裂变",
        "channel": "community",
        "promotes": [requirement.number],
        "operations_score": 8,
        "expected_new_users": 5000,
        "owner_id": olivia.pk,
    }
    r = _json(client, "post", f"{W}/campaigns", body)
    assert r.status_code == 201, r.content
    assert r.json()["number"] == 1 and r.json()["promotes"] == [requirement.number]
    etag = r["ETag"]
    r = _json(client, "patch", f"{W}/campaigns/1", {"title": "社群裂变", "promotes": []}, etag)
    assert r.status_code == 200 and r.json()["promotes"] == []
    assert _json(client, "patch", f"{W}/campaigns/1", {"title": "y"}, etag).status_code == 412
    etag = client.get(f"{W}/campaigns/1")["ETag"]
    r = _json(client, "post", f"{W}/campaigns/1/status", {"status": "running"}, etag)
    assert r.status_code == 400 and "status" in r.json()["error"]["fields"]
    r = _json(client, "post", f"{W}/campaigns/1/status", {"status": "proposed"}, etag)
    assert r.status_code == 200 and r.json()["status"] == "proposed"
    listed = client.get(f"{W}/campaigns", {"status": ["proposed"], "channel": "community"})
    assert listed.json()["count"] == 1
    assert client.get(f"{W}/campaigns", {"period": "soon"}).status_code == 400
    r = _json(client, "delete", f"{W}/campaigns/1", etag=r["ETag"])
    assert r.status_code == 204 and not Campaign.objects.exists()


def test_campaign_create_errors(olivia, alice):
    client = client_for(olivia)
    body = {"title": "x", "channel": "push", "promotes": [99]}
    r = _json(client, "post", f"{W}/campaigns", body)
    assert r.status_code == 400 and "promotes" in r.json()["error"]["fields"]
    body = {"title": "x", "channel": "push", "owner_id": 99999}
    assert _json(client, "post", f"{W}/campaigns", body).status_code == 400
    body = {"title": "x", "channel": "push", "product_score": 3}
    assert _json(client, "post", f"{W}/campaigns", body).status_code == 403
    body = {"title": "x", "channel": "push", "starts_on": "2026-12-12", "ends_on": "2026-12-01"}
    assert _json(client, "post", f"{W}/campaigns", body).status_code == 400
    assert not Campaign.objects.exists()


def test_requirement_demands_api_and_overcommit(alice, ctx, dev, month):
    busy = scheduled_requirement(ctx, "灰度发布")
    client = client_for(alice)
    url = f"{W}/requirements/{busy.number}/demands"
    label = cap.label(month, "month")
    r = _json(client, "post", url, {"pool_id": dev.pk, "period": label, "amount": 30})
    assert r.status_code == 201 and r.json()["overcommitted"] is True
    assert DomainEvent.objects.filter(kind="pool.overcommitted").count() == 1
    assert (
        _json(client, "post", url, {"pool_id": dev.pk, "period": label, "amount": 1}).status_code
        == 409
    )
    r = _json(client, "post", url, {"pool_id": 999, "period": label, "amount": 1})
    assert r.status_code == 400 and "pool_id" in r.json()["error"]["fields"]
    r = _json(client, "post", url, {"pool_id": dev.pk, "period": "2026-Q1", "amount": 1})
    assert r.status_code == 400 and "period" in r.json()["error"]["fields"]
    [row] = client.get(url).json()
    assert (row["period"], row["requirement"], row["amount"]) == (label, busy.number, "30.00")


def test_campaign_demands_api_patch_delete(olivia, budget, month, campaign):
    client = client_for(olivia)
    url = f"{W}/campaigns/{campaign.number}/demands"
    label = cap.label(month, "month")
    r = _json(client, "post", url, {"pool_id": budget.pk, "period": label, "amount": 5000})
    assert r.status_code == 201 and r.json()["campaign"] == campaign.number
    demand_id, etag = r.json()["id"], r["ETag"]
    later = cap.label(cap.shift(month, "month", 1), "month")
    r = _json(client, "patch", f"{W}/demands/{demand_id}", {"period": later, "amount": 7000}, etag)
    assert r.status_code == 200 and (r.json()["period"], r.json()["amount"]) == (later, "7000.00")
    assert (
        _json(client, "patch", f"{W}/demands/{demand_id}", {"amount": 1}, etag).status_code == 412
    )
    assert len(client.get(url).json()) == 1
    r = _json(client, "delete", f"{W}/demands/{demand_id}", etag=r["ETag"])
    assert r.status_code == 204 and not Demand.objects.exists()
