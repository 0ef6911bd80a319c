from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.models import DomainEvent
from truce.domain import capacity as cap
from truce.resources import services
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool
from truce.resources.tests.conftest import scheduled_requirement

pytestmark = pytest.mark.django_db


def _overcommit(ctx, dev, month, n=3):
    """``n`` scheduled requirements drawing 10 each on a pool of 20."""
    items = [scheduled_requirement(ctx, f"排期需求 {i}") for i in range(n)]
    for r in items:
        services.demand_add(ctx=ctx, pool=dev, start=month, amount=10, requirement=r)
    return items


def test_pool_list_bounded_and_flags(alice, ctx, dev, budget, month, django_assert_max_num_queries):
    for i in range(5):
        services.pool_create(ctx=ctx, name=f"池 {i}", kind="custom", side="shared")
    _overcommit(ctx, dev, month)
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("resources:pools", args=["spark"]))
    body = r.content.decode()
    assert r.status_code == 200 and "研发人日" in body and "市场预算" in body
    assert 'class="badge over">' + cap.label(month, "month") in body


def test_pool_create_edit_and_conflict(alice, ctx, dev):
    client = client_for(alice)
    r = client.post(
        reverse("resources:pool_new", args=["spark"]),
        {"name": "测试人日", "kind": "days", "side": "product", "granularity": "week"},
    )
    pool = ResourcePool.objects.get(name="测试人日")
    assert r.status_code == 302 and pool.granularity == "week"
    r = client.post(reverse("resources:pool_new", args=["spark"]), {"name": "", "kind": "x"})
    assert r.status_code == 422 and b"field-error" in r.content
    edit = reverse("resources:pool_edit", args=["spark", dev.pk])
    base = {"kind": "days", "side": "product", "granularity": "month", "version": dev.version}
    assert client.post(edit, {**base, "name": "后端人日"}).status_code == 302
    r = client.post(edit, {**base, "name": "前端人日"})  # the version read is stale now
    assert r.status_code == 409 and "后端人日" in r.content.decode()
    assert "callout conflict" in r.content.decode()


def test_pool_delete_page(alice, ctx):
    pool = services.pool_create(ctx=ctx, name="临时", kind="custom", side="product")
    url = reverse("resources:pool_delete", args=["spark", pool.pk])
    r = client_for(alice).post(url, {"version": pool.version})
    assert r.status_code == 302 and not ResourcePool.objects.filter(pk=pool.pk).exists()


def test_pool_page_shows_contributors(alice, ctx, dev, month, django_assert_max_num_queries):
    items = _overcommit(ctx, dev, month, n=4)
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("resources:pool", args=["spark", dev.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and 'id="overcommit-flag"' in body
    assert all(i.title in body for i in items) and body.count(">contributes<") == 4


def test_calendar_bounded_with_chart(alice, ctx, dev, budget, month, django_assert_max_num_queries):
    for i in range(6):
        services.pool_create(ctx=ctx, name=f"池 {i}", kind="days", side="product")
    _overcommit(ctx, dev, month)
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        r = client.get(reverse("resources:calendar", args=["spark"]))
    body = r.content.decode()
    assert r.status_code == 200 and 'id="calendar-chart-data"' in body
    assert "/static/vendor/plotly/plotly.min.js" in body
    assert f'data-period="{cap.label(month, "month")}"' in body and "slot-over over" in body
    weeks = client_for(alice).get(reverse("resources:calendar", args=["spark"]) + "?g=week")
    assert weeks.status_code == 200 and "研发人日" not in weeks.content.decode()


def test_capacity_cell_htmx_and_stale(alice, olivia, dev, month):
    url = reverse("resources:capacity", args=["spark", dev.pk])
    label = cap.label(month, "month")
    data = {"start": label, "amount": "35", "version": dev.version, "from": label}
    r = client_for(alice).post(url, data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and f'id="pool-row-{dev.pk}"' in r.content.decode()
    assert Capacity.objects.get(pool=dev, start=month).amount == 35
    r = client_for(alice).post(url, {**data, "amount": "40"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 412 and Capacity.objects.get(pool=dev).amount == 35
    r = client_for(alice).post(url, {**data, "amount": "-1", "version": dev.version + 1})
    assert r.status_code == 302  # without htmx: back to the calendar with a message
    r = client_for(olivia).post(url, {**data, "version": dev.version + 1})
    assert r.status_code == 403  # product's pool


def test_campaign_list_filters_flags_and_queries(
    olivia, octx, ctx, budget, month, django_assert_max_num_queries
):
    for i in range(6):
        services.campaign_create(ctx=octx, title=f"社群活动 {i}", channel="community")
    hot = services.campaign_create(
        ctx=octx, title="直播带货", channel="event", starts_on=month, ends_on=month, owner=olivia
    )
    services.demand_add(ctx=octx, pool=budget, start=month, amount=200000, campaign=hot)
    for step in ("proposed", "scheduled"):
        services.campaign_move(ctx=octx, campaign=hot, status=step)
    url = reverse("resources:campaigns", args=["spark"])
    client = client_for(olivia)
    with django_assert_max_num_queries(12):
        r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200 and body.count("badge over") == 1 and "社群活动 5" in body
    r = client.get(url, {"status": "scheduled"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "直播带货" in body and "社群活动" not in body and "<html" not in body
    r = client.get(url, {"channel": "community", "period": cap.label(month, "month")})
    assert "No campaigns match" in r.content.decode()
    r = client.get(url, {"period": cap.label(month, "quarter"), "owner": olivia.pk})
    assert "直播带货" in r.content.decode()


def test_campaign_create_edit_move_delete(olivia, alice, ctx, requirement):
    client = client_for(olivia)
    r = client.post(
        reverse("resources:campaign_new", args=["spark"]),
        {
            "title": "新人专享券短信召回",
            "channel": "sms",
            "promotes": f"#{requirement.number}",
            "operations_score": "7",
            "expected_revenue": "120000",
            "description": "- 第一步",
        },
    )
    c = Campaign.objects.get()
    assert r.status_code == 302 and list(c.promotes.all()) == [requirement]
    bad = client.post(
        reverse("resources:campaign_new", args=["spark"]),
        {"title": "x", "channel": "sms", "promotes": "999"},
    )
    assert bad.status_code == 422 and "#999" in bad.content.decode()
    edit = reverse("resources:campaign_edit", args=["spark", c.number])
    assert client.get(edit).status_code == 200
    base = {"title": "A", "channel": "sms", "version": c.version, "operations_score": "7"}
    assert client.post(edit, base).status_code == 302
    r = client.post(edit, {**base, "title": "B"})
    assert r.status_code == 409 and "callout conflict" in r.content.decode()
    r = client_for(alice).post(edit, {**base, "version": c.version + 1, "operations_score": "2"})
    assert "may not score" in r.content.decode()
    move = reverse("resources:campaign_move", args=["spark", c.number])
    c.refresh_from_db()
    assert client.post(move, {"status": "proposed", "version": c.version}).status_code == 302
    c.refresh_from_db()
    assert c.status == "proposed"
    # not allowed from proposed: a message, no move
    client.post(move, {"status": "done", "version": c.version})
    c.refresh_from_db()
    assert c.status == "proposed"
    delete = reverse("resources:campaign_delete", args=["spark", c.number])
    assert client.post(delete, {"version": c.version}).status_code == 302
    assert not Campaign.objects.exists()


def test_campaign_detail_shows_demands_and_flag(
    olivia, octx, budget, month, campaign, django_assert_max_num_queries
):
    services.demand_add(ctx=octx, pool=budget, start=month, amount=150000, campaign=campaign)
    for step in ("proposed", "scheduled"):
        services.campaign_move(ctx=octx, campaign=campaign, status=step)
    client = client_for(olivia)
    with django_assert_max_num_queries(16):
        r = client.get(reverse("resources:campaign", args=["spark", campaign.number]))
    body = r.content.decode()
    assert r.status_code == 200 and 'id="overcommit-flag"' in body and "市场预算" in body
    assert "not scheduled yet" in body  # its feature is only proposed


def test_campaign_demand_add_htmx_and_errors(olivia, budget, month, campaign):
    url = reverse("resources:campaign_demand_add", args=["spark", campaign.number])
    client = client_for(olivia)
    label = cap.label(month, "month")
    r = client.post(
        url, {"pool": budget.pk, "period": label, "amount": "5000"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200 and 'id="demands"' in r.content.decode()
    assert "<html" not in r.content.decode()
    r = client.post(
        url, {"pool": budget.pk, "period": label, "amount": "1"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 422 and "Already demanded" in r.content.decode()
    r = client.post(url, {"pool": budget.pk, "period": "2026-W01", "amount": "1"})
    assert r.status_code == 422 and "Choose a period of this pool" in r.content.decode()
    assert Demand.objects.count() == 1


def test_requirement_demands_page_suggest_and_flag(
    alice, ctx, dev, budget, month, django_assert_max_num_queries
):
    r_ = scheduled_requirement(ctx, "灰度发布", estimate_days=Decimal(30))
    url = reverse("resources:requirement_demands", args=["spark", r_.number])
    client = client_for(alice)
    page = client.get(url).content.decode()
    assert "From the estimate: 30 on 研发人日" in page
    r = client.post(
        reverse("resources:requirement_demand_suggest", args=["spark", r_.number]),
        {"kind": "days"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200 and 'id="overcommit-flag"' not in r.content.decode()
    d = Demand.objects.get()
    assert (d.pool, d.amount, d.start) == (dev, 30, cap.shift(month, cap.MONTH, 0))
    services.demand_update(ctx=ctx, demand=d, expected_version=None, start=month)
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert 'id="overcommit-flag"' in page and "this item is scheduled and contributes" in page
    assert DomainEvent.objects.filter(kind="pool.overcommitted").exists()
    r = client.post(url, {"pool": budget.pk, "period": cap.label(month, "month"), "amount": "9"})
    assert r.status_code == 302 and Demand.objects.count() == 2


def test_requirement_detail_links_to_demands_with_flag(alice, ctx, dev, month):
    items = _overcommit(ctx, dev, month)
    r = client_for(alice).get(reverse("requirements:detail", args=["spark", items[0].number]))
    body = r.content.decode()
    assert reverse("resources:requirement_demands", args=["spark", items[0].number]) in body
    assert "over-committed" in body


def test_demand_row_edit_stale_and_remove(alice, olivia, ctx, dev, month, requirement):
    d = services.demand_add(ctx=ctx, pool=dev, start=month, amount=3, requirement=requirement)
    url = reverse("resources:demand_edit", args=["spark", d.pk])
    label = cap.label(month, "month")
    data = {"period": label, "amount": "6", "version": d.version}
    r = client_for(alice).post(url, data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'value="6"' in r.content.decode()
    r = client_for(olivia).post(url, {**data, "amount": "9"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 412 and 'value="6"' in r.content.decode()  # theirs is shown
    r = client_for(alice).post(url, {**data, "amount": "-2", "version": d.version + 1})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.amount == 6
    remove = reverse("resources:demand_remove", args=["spark", d.pk])
    r = client_for(alice).post(remove, {"version": d.version}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "No demands yet" in r.content.decode()


def test_viewer_reads_without_controls(victor, ctx, dev, month, requirement, campaign):
    services.demand_add(ctx=ctx, pool=dev, start=month, amount=3, requirement=requirement)
    client = client_for(victor)
    for url in (
        reverse("resources:calendar", args=["spark"]),
        reverse("resources:requirement_demands", args=["spark", requirement.number]),
        reverse("resources:campaign", args=["spark", campaign.number]),
    ):
        r = client.get(url)
        assert r.status_code == 200 and '<input class="cap-input"' not in r.content.decode()
        assert "Add demand" not in r.content.decode()


def test_pages_in_chinese_show_seeded_content(ctx, octx, dev, campaign, workspace):
    from conftest import make_user
    from truce.accounts.models import Membership

    reader = make_user("lin", "zh-hans")
    Membership.objects.create(workspace=workspace, user=reader, role="product", side="product")
    client = client_for(reader)
    client.cookies["django_language"] = "zh-hans"
    for url in (
        reverse("resources:pools", args=["spark"]),
        reverse("resources:campaigns", args=["spark"]),
        reverse("resources:campaign", args=["spark", campaign.number]),
    ):
        r = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        body = r.content.decode()
        assert r.status_code == 200 and '<html lang="zh-hans">' in body
        assert "研发人日" in body or "双十二大促" in body


def test_the_campaign_page_has_a_comment_thread(alice, olivia, campaign):
    url = reverse("discussion:comment_create", args=["spark", "campaign", campaign.number])
    r = client_for(alice).post(url, {"body": "素材周三前给到 @olivia"})
    assert r.status_code == 302
    assert r["Location"].endswith(f"/campaigns/{campaign.number}/#comments")
    page = client_for(olivia).get(reverse("resources:campaign", args=["spark", campaign.number]))
    assert "素材周三前给到" in page.content.decode()
