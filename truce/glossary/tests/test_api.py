from __future__ import annotations

import pytest

from conftest import client_for
from truce.glossary.models import Term
from truce.glossary.starter import STARTER
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/spark/glossary"
BODY = {"term_zh": "复购", "term_en": "Repeat purchase", "side": "operations",
        "definition_zh": "再次购买", "aliases": ["复购率"]}  # fmt: skip


def test_create_read_update_delete(alice):
    client = client_for(alice)
    r = client.post(f"{BASE}/terms", BODY, content_type="application/json")
    assert r.status_code == 201 and r["ETag"] == f'W/"{r.json()["id"]}-1"'
    term_id = r.json()["id"]
    r = client.get(f"{BASE}/terms/{term_id}")
    assert r.json()["aliases"] == ["复购率"] and r["ETag"] == f'W/"{term_id}-1"'
    url = f"{BASE}/terms/{term_id}"
    r = client.patch(url, {"equivalent_zh": "回购"}, content_type="application/json")
    assert r.status_code == 428
    r = client.patch(
        url, {"equivalent_zh": "回购", "side": None}, content_type="application/json",
        HTTP_IF_MATCH=f'W/"{term_id}-1"',
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["side"] == "operations"
    r = client.patch(
        url, {"example_zh": "x"}, content_type="application/json", HTTP_IF_MATCH=f'"{term_id}-1"'
    )
    assert r.status_code == 412
    assert client.delete(url, HTTP_IF_MATCH=f'"{term_id}-1"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH=f'"{term_id}-2"').status_code == 204
    assert not Term.objects.exists()


def test_duplicates_and_bad_input_are_field_errors(alice, gmv):
    client = client_for(alice)
    r = client.post(f"{BASE}/terms", {**BODY, "term_zh": "gmv"}, content_type="application/json")
    assert r.status_code == 400 and "term_zh" in r.json()["error"]["fields"]
    r = client.post(f"{BASE}/terms", {"side": "sales"}, content_type="application/json")
    assert r.status_code == 422 and "side" in r.json()["error"]["fields"]
    r = client.post(f"{BASE}/terms", {"side": "product"}, content_type="application/json")
    assert r.status_code == 400 and set(r.json()["error"]["fields"]) == {"term_zh", "definition_zh"}


def test_list_search_and_filter(alice, gmv, tracking):
    client = client_for(alice)
    assert [t["term_zh"] for t in client.get(f"{BASE}/terms").json()] == ["GMV", "埋点"]
    assert [t["id"] for t in client.get(f"{BASE}/terms?side=product").json()] == [tracking.pk]
    assert [t["id"] for t in client.get(f"{BASE}/terms?q=成交").json()] == [gmv.pk]


def test_import_starter(alice):
    r = client_for(alice).post(f"{BASE}/import-starter")
    assert r.status_code == 200 and len(r.json()["created"]) == len(STARTER)
    again = client_for(alice).post(f"{BASE}/import-starter").json()
    assert again["created"] == [] and len(again["skipped"]) == len(STARTER)


def test_suggestions(alice, ctx):
    requirement_create(ctx=ctx, title="SKU 精简", description="SKU 太多")
    r = client_for(alice).get(f"{BASE}/suggestions?limit=5")
    found = {s["word"]: s for s in r.json()}
    assert r.status_code == 200 and found["SKU"]["count"] == 2
    assert found["SKU"]["examples"][0]["ref"] == "requirement:1"


def test_highlight_for_the_caller_and_for_an_audience(alice, victor, gmv, tracking):
    body = {"text": "**GMV** 要涨，先做埋点。`GMV`"}
    r = client_for(alice).post(f"{BASE}/highlight", body, content_type="application/json")
    data = r.json()
    assert r.status_code == 200 and [t["id"] for t in data["terms"]] == [gmv.pk]
    assert data["html"].startswith('<p><strong><span class="gl">')
    assert "<code>GMV</code>" in data["html"]
    r = client_for(victor).post(
        f"{BASE}/highlight", {**body, "audience": "both"}, content_type="application/json"
    )
    assert [t["name"] for t in r.json()["terms"]] == ["GMV", "Event tracking"]


def test_highlight_never_passes_raw_html(alice, gmv):
    body = {"text": "<script>alert(1)</script> GMV"}
    html = (
        client_for(alice)
        .post(f"{BASE}/highlight", body, content_type="application/json")
        .json()["html"]
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
