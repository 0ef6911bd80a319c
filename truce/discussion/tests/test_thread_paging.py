"""A long thread shows its latest page; earlier comments load a page at a time (htmx, or a
query parameter without JavaScript), and a link to any comment shows that comment."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from truce.discussion import selectors, services
from truce.discussion.models import Comment
from truce.glossary.services import term_create

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "THREAD_PAGE", 3)


def _say(ctx, req, n: int, start: int = 0) -> list[int]:
    return [
        services.comment_create(ctx=ctx, subject=req, body=f"意见 {i}").pk
        for i in range(start, start + n)
    ]


def _detail(req, **params):
    return reverse("requirements:detail", args=["spark", req.number]), params


def _thread_url(req):
    return reverse("discussion:thread", args=["spark", "requirement", req.number])


def _shown(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="comment[^"]*" id="comment-(\d+)"', body)]


def _get(client, req, **params):
    url, params = _detail(req, **params)
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def test_thread_anchor_reads_the_query_parameters():
    assert selectors.thread_anchor({"comment": "12"}) == ("from", 12)
    assert selectors.thread_anchor({"comments_before": "7"}) == ("before", 7)
    assert selectors.thread_anchor({"comments_after": "7"}) == ("after", 7)
    assert selectors.thread_anchor({"comment": "x1", "page": "2"}) is None
    assert selectors.thread_anchor({"comment": "-3"}) is None
    assert selectors.thread_anchor({"comment": "9" * 19}) is None


def test_page_shows_the_latest_comments_and_offers_the_earlier_ones(ctx, alice, req):
    ids = _say(ctx, req, 7)
    body = _get(client_for(alice), req)
    assert _shown(body) == ids[-3:] and "意见 3" not in body
    assert '<small class="muted">7</small>' in body  # the thread counts every comment
    assert "Show earlier comments (4 more)" in body
    assert f"?comments_before={ids[4]}#comments" in body  # the link without JavaScript
    assert f'hx-get="{_thread_url(req)}?before={ids[4]}"' in body
    assert f'data-thread-url="{_thread_url(req)}"' in body
    assert "Show later comments" not in body


def test_show_earlier_with_htmx_loads_the_previous_page_until_the_first(ctx, alice, req):
    ids = _say(ctx, req, 7)
    client = client_for(alice)
    r = client.get(_thread_url(req), {"before": ids[4]}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "<section" not in body
    assert _shown(body) == ids[1:4] and body.lstrip().startswith('<li class="comment-more">')
    assert "Show earlier comments (1 more)" in body and f"?before={ids[1]}" in body
    body = client.get(_thread_url(req), {"before": ids[1]}, **HTMX).content.decode()
    assert _shown(body) == ids[:1] and "Show earlier" not in body


def test_show_earlier_without_javascript_pages_back_and_can_come_back(ctx, alice, req):
    ids = _say(ctx, req, 10)
    client = client_for(alice)
    body = _get(client, req, comments_before=ids[7])
    assert _shown(body) == ids[4:7] + ids[7:]
    assert "Show earlier comments (4 more)" in body and "Show later" not in body
    body = _get(client, req, comments_before=ids[4])
    assert _shown(body) == ids[1:4] + ids[7:]
    assert "Show earlier comments (1 more)" in body
    assert "Show later comments (3 more)" in body
    assert f"?comments_after={ids[3]}#comments" in body
    body = _get(client, req, comments_after=ids[3])
    assert _shown(body) == ids[4:]  # the page after meets the latest one: no gap is left
    assert "Show earlier comments (4 more)" in body and "Show later" not in body


def test_deep_link_shows_an_old_comment_and_the_latest_page(ctx, alice, req):
    ids = _say(ctx, req, 12)
    body = _get(client_for(alice), req, comment=ids[2])
    assert _shown(body) == ids[2:5] + ids[-3:]
    assert "Show earlier comments (2 more)" in body
    assert "Show later comments (4 more)" in body
    assert f'hx-get="{_thread_url(req)}?after={ids[4]}&amp;until={ids[9]}"' in body


def test_a_link_to_a_comment_of_another_thread_or_nonsense_shows_the_latest_page(
    ctx, alice, req, kr
):
    ids = _say(ctx, req, 5)
    elsewhere = services.comment_create(ctx=ctx, subject=kr, body="别处").pk
    client = client_for(alice)
    for value in (elsewhere, "abc", "0", ids[0] + 1000):
        body = _get(client, req, comment=value)
        assert _shown(body) == ids[-3:] and "别处" not in body


def test_show_later_with_htmx_fills_the_gap_without_repeating_the_latest(ctx, alice, req):
    ids = _say(ctx, req, 12)
    client = client_for(alice)
    r = client.get(_thread_url(req), {"after": ids[4], "until": ids[9]}, **HTMX)
    body = r.content.decode()
    assert _shown(body) == ids[5:8] and "Show later comments (1 more)" in body
    assert body.rstrip().endswith("</li>") and f"?after={ids[7]}&amp;until={ids[9]}" in body
    body = client.get(_thread_url(req), {"after": ids[7], "until": ids[9]}).content.decode()
    assert _shown(body) == ids[8:9] and "Show later" not in body


def test_old_style_anchor_asks_the_thread_at_that_comment(ctx, alice, req):
    """discussion.js sends this when "#comment-<id>" is not on the page."""
    ids = _say(ctx, req, 9)
    r = client_for(alice).get(_thread_url(req), {"comment": ids[0]}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and body.lstrip().startswith('<section class="card thread"')
    assert _shown(body) == ids[:3] + ids[-3:] and "Show later comments (3 more)" in body
    body = client_for(alice).get(_thread_url(req)).content.decode()
    assert _shown(body) == ids[-3:]


def test_paging_follows_thread_order_when_times_are_equal(ctx, alice, req):
    ids = _say(ctx, req, 8)
    Comment.objects.filter(pk__in=ids).update(created_at=timezone.now())
    client = client_for(alice)
    assert _shown(_get(client, req)) == ids[-3:]
    body = client.get(_thread_url(req), {"before": ids[5]}, **HTMX).content.decode()
    assert _shown(body) == ids[2:5] and "(2 more)" in body
    assert _shown(_get(client, req, comment=ids[1])) == ids[1:4] + ids[-3:]


def test_links_to_a_comment_carry_the_deep_link(ctx, req):
    from truce.core.models import DomainEvent

    pk = _say(ctx, req, 1)[0]
    event = DomainEvent.objects.get(kind="comment.created", data__comment_id=pk)
    assert event.url.endswith(f"/requirements/{req.number}/?comment={pk}#comment-{pk}")


def test_posting_appends_to_the_latest_page(ctx, alice, req):
    ids = _say(ctx, req, 5)
    url = reverse("discussion:comment_create", args=["spark", "requirement", req.number])
    r = client_for(alice).post(url, {"body": "最新的一条"}, **HTMX)
    body = r.content.decode()
    new = Comment.objects.latest("id").pk
    assert r.status_code == 200 and _shown(body) == [*ids[-2:], new]
    assert "最新的一条" in body and "Show earlier comments (3 more)" in body
    assert '<small class="muted">6</small>' in body


def test_editing_an_old_comment_keeps_it_in_view(ctx, alice, req):
    ids = _say(ctx, req, 9)
    url = reverse("discussion:comment_edit", args=["spark", ids[1]])
    client = client_for(alice)
    r = client.post(url, {"body": "改过的旧意见", "version": 1}, **HTMX)
    body = r.content.decode()
    assert r.status_code == 200 and "改过的旧意见" in body and ids[1] in _shown(body)
    r = client.post(url, {"body": "我的草稿", "version": 1}, **HTMX)  # stale: keep the draft
    assert r.status_code == 412 and "我的草稿" in r.content.decode()
    r = client.post(url, {"body": "不用 htmx", "version": 2})
    assert r.status_code == 302
    assert r["Location"].endswith(f"/requirements/{req.number}/?comment={ids[1]}#comment-{ids[1]}")
    r = client.post(
        reverse("discussion:comment_delete", args=["spark", ids[1]]), {"version": 3}, **HTMX
    )
    assert (
        ids[1] in _shown(r.content.decode()) and "This comment was deleted." in r.content.decode()
    )


def test_follow_with_htmx_swaps_only_the_button(ctx, olivia, req):
    _say(ctx, req, 5)
    url = reverse("discussion:follow", args=["spark", "requirement", req.number])
    r = client_for(olivia).post(url, {"follow": "1"}, **HTMX)
    body = r.content.decode()
    assert body.lstrip().startswith("<form") and "Unfollow" in body and "comment-" not in body
    r = client_for(olivia).post(url, {"follow": "0"})
    assert r.status_code == 302 and r["Location"].endswith("#comments")


def test_mentions_and_glossary_are_marked_in_loaded_pages(ctx, alice, olivia, req):
    term_create(ctx=ctx, term_zh="埋点", side="operations", definition_zh="数据采集点")
    first = services.comment_create(ctx=ctx, subject=req, body="@olivia 请补埋点").pk
    ids = _say(ctx, req, 4)
    body = _get(client_for(alice), req)
    assert "请补" not in body and "Show earlier comments (2 more)" in body
    r = client_for(alice).get(_thread_url(req), {"before": ids[1]}, **HTMX)
    body = r.content.decode()
    assert _shown(body) == [first, ids[0]]
    assert '<span class="mention">@olivia</span>' in body and 'class="gl-mark' in body


def test_thread_reads_cost_the_same_however_long_the_thread(ctx, octx, alice, req):
    client = client_for(alice)
    ids = _say(ctx, req, 8)
    _get(client, req)  # the scorecard is created on first use; measure the steady state

    def counts(ids):
        requests = [
            (_detail(req)[0], {}),
            (_detail(req)[0], {"comment": ids[1]}),
            (_detail(req)[0], {"comments_before": ids[-3]}),
            (_thread_url(req), {"before": ids[-3]}),
            (_thread_url(req), {"after": ids[1], "until": ids[-3]}),
            (_thread_url(req), {"comment": ids[1]}),
        ]
        found = []
        for url, params in requests:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params, **HTMX if "thread" in url else {}).status_code == 200
            found.append(len(queries))
        return found

    before = counts(ids)
    ids += _say(octx, req, 20, start=8)
    assert counts(ids) == before
