from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.requirements import services
from truce.requirements.models import Requirement

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def many(ctx, olivia):
    for i in range(60):
        services.requirement_create(
            ctx=ctx,
            title=f"需求 {i} 优惠券",
            tags=["增长", f"t{i % 5}"],
            owner=olivia if i % 2 else None,
        )
    return Requirement.objects.filter(workspace=ctx.workspace)


def test_list_is_paginated_and_bounded(alice, many, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("requirements:list", args=["spark"]))
    body = r.content.decode()
    assert r.status_code == 200 and "60 requirements" in body and "Page 1 of 2" in body


def test_a_broad_search_says_more_than_the_cap_and_pages_through_it(
    alice, many, monkeypatch, django_assert_max_num_queries
):
    from truce.core import search

    client = client_for(alice)
    url = reverse("requirements:list", args=["spark"])
    body = client.get(url, {"q": "优惠券"}).content.decode()
    assert "60 requirements" in body and "Page 1 of 2" in body
    monkeypatch.setattr(search, "COUNT_CAP", 55)
    with django_assert_max_num_queries(12):
        body = client.get(url, {"q": "优惠券"}).content.decode()
    assert "More than 55 requirements match: the first 55 are listed." in body
    assert "Page 1 of 2" in body and "需求 59 优惠券" in body
    last = client.get(url, {"q": "优惠券", "page": 2}).content.decode()
    assert "需求 5 优惠券" in last and "需求 4 优惠券" not in last  # the first 55, newest first
    client.post(reverse("set_language"), {"language": "zh-hans"})
    zh = client.get(url, {"q": "优惠券"}).content.decode()
    assert "匹配的需求超过 55 条：这里列出前 55 条。" in zh


def test_list_htmx_returns_only_results(alice, many, olivia):
    url = reverse("requirements:list", args=["spark"])
    r = client_for(alice).get(url, {"owner": olivia.pk, "q": "优惠"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert body.strip().startswith('<section id="results"') and "<html" not in body
    assert "30 requirements" in body


def test_list_ignores_garbage_filters(alice, many):
    url = reverse("requirements:list", args=["spark"])
    r = client_for(alice).get(url, {"owner": "x", "status": "bogus", "sort": "evil", "page": "-1"})
    assert r.status_code == 200


def test_board_bounded_queries(alice, many, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(8):
        r = client.get(reverse("requirements:board", args=["spark"]))
    assert r.status_code == 200 and "All 60 in the list" in r.content.decode()


def test_detail_bounded_queries(alice, many, django_assert_max_num_queries):
    from truce.requirements.scoring import scorecard_for

    scorecard_for(many.first().workspace)  # workspaces get theirs when created by the service
    number = many.first().number
    client = client_for(alice)
    # 12 for the page itself, +1 the header's unread count, +2 the comment thread, +2 demands
    with django_assert_max_num_queries(17):
        r = client.get(reverse("requirements:detail", args=["spark", number]))
    assert r.status_code == 200 and "Who owns this?" in r.content.decode()


def test_create_page(alice):
    r = client_for(alice).post(
        reverse("requirements:new", args=["spark"]),
        {
            "title": "新人礼包",
            "description": "# 目标\n拉新",
            "kind": "feature",
            "origin_side": "operations",
            "tags": "增长，拉新",
        },
    )
    assert r.status_code == 302
    req = Requirement.objects.get()
    assert req.origin_side == "operations"
    assert sorted(t.name for t in req.tags.all()) == ["增长", "拉新"]


def test_create_page_shows_field_errors(alice):
    r = client_for(alice).post(
        reverse("requirements:new", args=["spark"]),
        {"title": "", "kind": "x", "origin_side": "product"},
    )
    assert r.status_code == 422
    assert set(r.context["form"].errors) >= {"title", "kind"}


def test_move_by_htmx_and_refused_move(alice, ctx):
    req = services.requirement_create(ctx=ctx, title="a")
    url = reverse("requirements:move", args=["spark", req.number])
    client = client_for(alice)
    r = client.post(url, {"status": "released", "version": 1}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "cannot move" in r.content.decode()
    r = client.post(url, {"status": "under_review", "version": 1}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'data-status="under_review"' in r.content.decode()


def test_bulk_status_keeps_filters(alice, ctx):
    a = services.requirement_create(ctx=ctx, title="a")
    r = client_for(alice).post(
        reverse("requirements:bulk_status", args=["spark"]),
        {"numbers": [a.number], "status": "under_review", "back": "tag=x"},
    )
    assert r["Location"].endswith("/requirements/?tag=x")
    a.refresh_from_db()
    assert a.status == "under_review"


def test_edit_conflict_shows_the_other_persons_change(alice, olivia, ctx):
    req = services.requirement_create(ctx=ctx, title="原标题")
    url = reverse("requirements:edit", args=["spark", req.number])
    base = {"title": "", "kind": "feature", "origin_side": "product", "version": 1}
    client_for(olivia).post(url, {**base, "title": "运营改的标题"})
    r = client_for(alice).post(url, {**base, "title": "产品改的标题"})
    body = r.content.decode()
    assert r.status_code == 409 and "was changed by someone else" in body
    assert "运营改的标题" in body and 'value="产品改的标题"' in body
    req.refresh_from_db()
    assert req.title == "运营改的标题"
    r = client_for(alice).post(url, {**base, "title": "产品改的标题", "version": req.version})
    assert r.status_code == 302


def test_prerequisite_cycle_message_on_page(alice, ctx):
    a = services.requirement_create(ctx=ctx, title="a")
    b = services.requirement_create(ctx=ctx, title="b")
    client = client_for(alice)
    client.post(
        reverse("requirements:prerequisite_add", args=["spark", a.number]), {"number": b.number}
    )
    r = client.post(
        reverse("requirements:prerequisite_add", args=["spark", b.number]),
        {"number": a.number},
        follow=True,
    )
    assert "cycle" in r.content.decode()


def test_board_caps_large_column_counts(alice, many, monkeypatch):
    from truce.requirements import selectors

    monkeypatch.setattr(selectors, "BOARD_COUNT_CAP", 10)
    body = client_for(alice).get(reverse("requirements:board", args=["spark"])).content.decode()
    assert '<span class="count">10+</span>' in body and "All of them in the list" in body


def test_board_search_ranks_each_column_like_the_board(ctx, monkeypatch):
    """A search reads its matches once and ranks them per column in Python: the same cards,
    in the same order, as the per-column queries of the unsearched board."""
    from truce.requirements import selectors

    for i, priority in enumerate([None, 5.0, 7.5, None, 7.5, 1.0, 9.0, None]):
        r = services.requirement_create(ctx=ctx, title=f"优惠券 {i}")
        Requirement.objects.filter(pk=r.pk).update(
            priority=priority, status=("proposed", "accepted")[i % 2]
        )
    services.requirement_create(ctx=ctx, title="无关")
    everything = selectors.board_columns(ctx.workspace)  # every card: fewer than BOARD_LIMIT
    monkeypatch.setattr(selectors, "BOARD_LIMIT", 3)
    searched = selectors.board_columns(ctx.workspace, "优惠券")
    for a, b in zip(searched, everything, strict=True):
        matching = [r.number for r in b["cards"] if r.title.startswith("优惠券")]
        assert [r.number for r in a["cards"]] == matching[:3]
        assert a["count"] == len(matching)
    assert [(c["count"], len(c["cards"])) for c in searched if c["count"]] == [(4, 3), (4, 3)]
