"""The requirement page lists the most valuable customers asking for it, with the total and a
link to all of them; the customers page shows them a page at a time. Both in a fixed number of
queries, however many customers ask."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.customers.tests.test_demand import ask
from truce.requirements.services import requirement_create
from truce.requirements.views import CUSTOMERS_PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


@pytest.fixture
def req(ctx):
    return requirement_create(ctx=ctx, title="发票合并")


def page(name, req, **query):
    return reverse(f"requirements:{name}", args=["spark", req.number]), query


def get(client, name, req, **query):
    url, params = page(name, req, **query)
    return client.get(url, params)


def test_detail_lists_the_top_customers_with_the_total_and_a_link_to_all(olivia, ctx, req):
    ask(ctx, req, 25)
    body = get(client_for(olivia), "detail", req).content.decode()
    assert "25 customers worth 325 ask for this." in body
    assert body.count('class="badge segment-') == 20
    assert "客户024" in body and "客户005" in body and "客户004" not in body
    assert "Showing the 20 most valuable of 25." in body
    assert f'href="{page("customers", req)[0]}">Show all</a>' in body


def test_detail_in_chinese(ctx, req, olivia):
    ask(ctx, req, 25)
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    body = get(client_for(olivia), "detail", req).content.decode()
    assert "提出此需求的客户" in body
    assert "仅显示 25 项中价值最高的 20 项。" in body and ">显示全部</a>" in body


def test_detail_without_a_link_when_every_customer_is_shown(olivia, ctx, req):
    ask(ctx, req, 3)
    body = get(client_for(olivia), "detail", req).content.decode()
    assert body.count('class="badge segment-') == 3
    assert "most valuable of" not in body and page("customers", req)[0] not in body


def test_detail_and_customers_page_queries_do_not_grow(olivia, ctx, req):
    client = client_for(olivia)
    get(client, "detail", req)  # the scorecard is created on first use
    counts = []
    for start, n in ((0, 2), (2, 80)):
        ask(ctx, req, n, start=start)
        measured = []
        for name, query in (("detail", {}), ("customers", {}), ("customers", {"page": "2"})):
            with CaptureQueriesContext(connection) as queries:
                r = get(client, name, req, **query)
            assert r.status_code == 200
            measured.append(len(queries))
        counts.append(measured)
    assert counts[0] == counts[1]


def test_customers_page_shows_them_all_a_page_at_a_time(victor, ctx, req):
    ask(ctx, req, CUSTOMERS_PAGE_SIZE + 5)
    client = client_for(victor)  # viewers read it too
    first = get(client, "customers", req).content.decode()
    assert first.count('class="badge segment-') == CUSTOMERS_PAGE_SIZE
    assert "Page 1 of 2" in first and "客户054" in first and "客户004" not in first
    assert "55 customers worth 1,540 ask for this." in first
    second = get(client, "customers", req, page="2").content.decode()
    assert second.count('class="badge segment-') == 5
    assert "客户004" in second and "客户000" in second and "(×3)" in second
    assert "Support ticket, Survey" in second
    assert get(client, "customers", req, page="99").content.decode().count("segment-") == 5


def test_customers_page_htmx_returns_the_results_only(olivia, ctx, req):
    ask(ctx, req, CUSTOMERS_PAGE_SIZE + 1)
    url, _ = page("customers", req)
    r = client_for(olivia).get(url, {"page": "2"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body
    assert "客户000" in body and "← Previous" in body


def test_customers_page_in_chinese_and_when_nobody_asks(olivia, req):
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    body = get(client_for(olivia), "customers", req).content.decode()
    assert "<h1>提出此需求的客户</h1>" in body
    assert body.count("尚未关联客户反馈。") == 2  # the summary and the empty table
    assert "客户需求价值合计" not in body and "segment-" not in body
