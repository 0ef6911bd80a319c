from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.glossary import services
from truce.glossary.models import Term
from truce.glossary.starter import STARTER
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(f"glossary:{name}", args=["spark", *args])


def test_list_is_bounded_searchable_and_filtered(alice, ctx, django_assert_max_num_queries):
    services.starter_import(ctx=ctx)
    client = client_for(alice)
    with django_assert_max_num_queries(8):
        r = client.get(_url("list"))
    body = r.content.decode()
    assert r.status_code == 200 and "Canary release" in body and "ARPU" in body
    assert f"{len(STARTER)} terms" in body
    r = client.get(_url("list"), {"q": "rollout", "side": "product"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "Canary release" in body and "GMV" not in body and "<html" not in body


def test_list_in_chinese_shows_chinese_names(alice, ctx):
    services.starter_import(ctx=ctx)
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    r = client_for(alice).get(_url("list"))
    body = r.content.decode()
    assert "灰度发布" in body and "新版本先只对一小部分用户开放" in body


def test_empty_list_offers_the_starter_import(alice, victor):
    assert "Import starter glossary" in client_for(alice).get(_url("list")).content.decode()
    body = client_for(victor).get(_url("list")).content.decode()
    assert "Import starter glossary" not in body and "New term" not in body


def test_import_starter_button(alice):
    r = client_for(alice).post(_url("import_starter"))
    assert r.status_code == 302 and Term.objects.count() == len(STARTER)
    r = client_for(alice).post(_url("import_starter"), follow=True)
    assert f"{len(STARTER)} were already there" in r.content.decode()


def test_create_and_duplicate_is_a_field_error(alice, gmv):
    client = client_for(alice)
    data = {"term_zh": "复购", "aliases": "复购率, repeat purchase", "side": "operations",
            "definition_zh": "再次购买"}  # fmt: skip
    r = client.post(_url("new"), data)
    term = Term.objects.get(term_zh="复购")
    assert r.status_code == 302 and term.aliases == ["复购率", "repeat purchase"]
    r = client.post(_url("new"), {**data, "term_zh": "gmv", "aliases": ""})
    body = r.content.decode()
    assert r.status_code == 422 and 'class="field has-error"' in body
    assert "is already in the glossary" in body and Term.objects.count() == 2


def test_new_is_prefilled_from_a_suggestion(alice):
    body = client_for(alice).get(_url("new"), {"term": "复购"}).content.decode()
    assert 'name="term_zh" value="复购"' in body
    body = client_for(alice).get(_url("new"), {"term": "SKU"}).content.decode()
    assert 'name="term_en" value="SKU"' in body


def test_detail_explains_for_the_reader_and_lists_uses(
    alice, ctx, gmv, django_assert_max_num_queries
):
    for i in range(5):
        requirement_create(ctx=ctx, title=f"活动 {i}", description=f"本次目标 GMV 提升 {i}0%。")
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(_url("detail", gmv.pk))
    body = r.content.decode()
    assert r.status_code == 200 and "In your words" in body
    assert body.count('class="gl-mark gl-operations"') == 5  # one per excerpt
    assert "活动 4" in body


def test_edit_conflict_shows_their_version(alice, olivia, gmv):
    url = _url("edit", gmv.pk)
    base = {"term_zh": "GMV", "term_en": "GMV", "side": "operations",
            "definition_zh": "x", "version": 1}  # fmt: skip
    assert client_for(olivia).post(url, {**base, "equivalent_zh": "运营版"}).status_code == 302
    r = client_for(alice).post(url, {**base, "equivalent_zh": "产品版"})
    body = r.content.decode()
    assert r.status_code == 409 and "运营版" in body and 'name="version" value="2"' in body
    assert client_for(alice).post(url, {**base, "version": 2, "equivalent_zh": "产品版"})
    assert Term.objects.get().equivalent_zh == "产品版"


def test_edit_page_shows_current_values(alice, gmv):
    body = client_for(alice).get(_url("edit", gmv.pk)).content.decode()
    assert 'value="成交总额"' in body and 'name="version" value="1"' in body


def test_delete_checks_version(alice, gmv):
    r = client_for(alice).post(_url("delete", gmv.pk), {"version": 5})
    assert r.status_code == 302 and Term.objects.exists()
    r = client_for(alice).post(_url("delete", gmv.pk), {"version": 1})
    assert r.status_code == 302 and r["Location"] == _url("list")
    assert not Term.objects.exists()


def test_suggestions_page(alice, ctx, gmv, django_assert_max_num_queries):
    requirement_create(ctx=ctx, title="提升复购", description="复购率太低，SKU 太多")
    requirement_create(ctx=ctx, title="复购提醒", description="GMV 下滑")
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(_url("suggestions"))
    body = r.content.decode()
    assert r.status_code == 200 and "复购" in body and "SKU" in body
    assert "?term=%E5%A4%8D%E8%B4%AD" in body  # "define it" prefilled
    assert "/w/spark/requirements/" in body
