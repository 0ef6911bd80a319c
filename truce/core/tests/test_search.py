"""The full-text helpers that read the index newest first and score rows in Python agree with
``fts_filter``, the database's own matching."""

from __future__ import annotations

import pytest
from django.db import connection

from truce.core.access import access_workspace
from truce.core.search import fts_filter, fts_newest, index_scorer
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db

TEXTS = [
    ("优惠券领取失败", "双11大促期间，用户领取优惠券时报错。"),
    ("领取优惠", "希望优惠能自动领取"),
    ("Export orders", "Exports should include the café's coupons."),
    ("夜间模式", "晚上太亮了"),
    ("会员积分", "积分规则太复杂，会员看不懂"),
    ("A/B测试平台", "按人群做 AB 实验"),
    ("导出报表", "export to Excel"),
]
QUERIES = [
    "优惠券", "优惠", "领取", "失败", "双11", "双", "export", "exp", "cafe", "café", "coupon",
    "夜间模式", "夜间", "积分 会员", "会员 导出", "a b 测试", "ab", "实验", "excel", "不存在",
]  # fmt: skip


@pytest.fixture
def rows(alice, workspace):
    ctx = access_workspace(alice, workspace.slug)
    return [requirement_create(ctx=ctx, title=t, description=d) for t, d in TEXTS]


@pytest.mark.parametrize("query", QUERIES)
def test_index_scorer_agrees_with_the_index(rows, query):
    score = index_scorer([query])
    for r in Requirement.objects.filter(pk__in=[r.pk for r in rows]):
        expected = fts_filter(Requirement.objects.filter(pk=r.pk), query).exists()
        assert score(r.search_text) == int(expected), (r.title, query)


def test_index_scorer_counts_the_queries_a_row_matches(rows):
    first = Requirement.objects.get(pk=rows[0].pk)
    assert index_scorer(["优惠券", "领取", "失败", "夜间"])(first.search_text) == 3
    assert index_scorer([])(first.search_text) == 0


def test_newest_matches_of_any_query_within_the_scope(rows, charlie, other_workspace):
    elsewhere = access_workspace(charlie, other_workspace.slug)
    requirement_create(ctx=elsewhere, title="领取优惠券")
    scope = Requirement.objects.filter(workspace=rows[0].workspace)
    assert fts_newest(scope, ["领取"], 10) == [rows[1].pk, rows[0].pk]
    assert fts_newest(scope, ["领取"], 1) == [rows[1].pk]
    assert fts_newest(scope, ["夜间", "积分 会员", "会员 导出"], 10) == [rows[4].pk, rows[3].pk]
    assert fts_newest(scope, ["export"], 10) == [rows[6].pk, rows[2].pk]
    assert fts_newest(scope, ["", "。"], 10) == []
    for query in QUERIES:
        assert fts_newest(scope, [query], 10) == sorted(
            fts_filter(scope, query).values_list("pk", flat=True), reverse=True
        )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan for broad matches")
def test_broad_matches_walk_the_order_and_find_the_same_rows(rows, monkeypatch):
    """Past BROAD_MATCH hits the match list is only looked up ("+id IN"), never the driver:
    the same rows in the same order as the plain filter, for every query."""
    from truce.core import search

    scope = Requirement.objects.filter(workspace=rows[0].workspace).order_by("-number")
    plain = {q: list(fts_filter(scope, q).values_list("pk", flat=True)) for q in QUERIES}
    monkeypatch.setattr(search, "BROAD_MATCH", 0)
    for query in QUERIES:
        broad = fts_filter(scope, query)
        assert '+"requirements_requirement"."id" IN' in str(broad.query) or not plain[query]
        assert list(broad.values_list("pk", flat=True)) == plain[query], query
        assert broad.count() == len(plain[query])


def test_walking_finds_the_same_rows_in_the_same_order(rows):
    """``walk`` (PostgreSQL: test every row, read in the list's order) changes the plan, never
    the result."""
    scope = Requirement.objects.filter(workspace=rows[0].workspace)
    for order in ("-number", "title"):
        for query in QUERIES:
            plain = fts_filter(scope, query).order_by(order)
            walked = fts_filter(scope, query, walk=True).order_by(order)
            assert list(walked.values_list("pk", flat=True)) == list(
                plain.values_list("pk", flat=True)
            ), query
            if connection.vendor == "postgresql" and query != "。":
                assert "COALESCE" in str(walked.query)


def test_a_search_counts_its_matches_up_to_the_cap(rows, monkeypatch):
    from truce.core import search

    scope = Requirement.objects.filter(workspace=rows[0].workspace)
    found = search.fts_found(scope, "领取")
    assert (found.count, found.more) == (2, False)
    assert set(found.rows.values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    found = search.fts_found(scope, "领取")
    assert (found.count, found.more) == (1, True)
    # Every match is still there to page through; only the count stops.
    assert list(found.rows.order_by("-number").values_list("pk", flat=True)) == [
        rows[1].pk,
        rows[0].pk,
    ]
    if connection.vendor == "postgresql":  # only a phrase of characters walks the order
        assert "COALESCE" in str(found.rows.query)
        english = search.fts_found(scope, "export")
        assert english.more and "COALESCE" not in str(english.rows.query)
    pages = search.FoundPaginator(found, 1)
    assert pages.count == 1 and pages.more and pages.num_pages == 1
    assert search.fts_found(scope, "不存在").count == 0
