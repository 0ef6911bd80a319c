"""A launch from plan to go in a real browser, in Chinese: plan it with its campaign, see the
date clash, tick the checklist (htmx), ask for review, and three seats vote go."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import sign_in
from truce.accounts.models import User
from truce.core.access import access_workspace
from truce.requirements.services import requirement_create
from truce.resources.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scope(alice, olivia, lena, workspace):
    User.objects.filter(username__in=["alice", "olivia", "lena"]).update(language="zh-hans")
    ctx = access_workspace(alice, "spark")
    feature = requirement_create(ctx=ctx, title="直播购物车")
    campaign = Campaign.objects.create(
        workspace=workspace, number=1, title="双十二大促", channel="event",
        starts_on=date.today() + timedelta(days=5), ends_on=date.today() + timedelta(days=9),
    )  # fmt: skip
    campaign.promotes.add(feature)
    return feature, campaign


def _as(page, username, url):
    page.context.clear_cookies()
    sign_in(page, username)
    page.goto(url)


def test_plan_to_go(page, scope):
    feature, _campaign = scope
    target = date.today() + timedelta(days=10)
    _as(page, "alice", "/w/spark/launches/new/")
    page.fill("input[name=name]", "直播购物车上线")
    page.fill("input[name=target_date]", target.isoformat())
    page.fill("input[name=requirements]", f"#{feature.number}")
    page.fill("input[name=campaigns]", "C1")
    with page.expect_navigation():
        page.click("form button.primary")
    assert "直播购物车上线" in page.inner_text("h1")
    # the campaign starts before the feature's release (the day before target)
    assert "双十二大促" in page.inner_text("#warnings")
    url = page.url
    # tick every checklist item; each tick swaps the readiness section through htmx
    while page.locator("#readiness input[type=checkbox]:not(:checked)").count():
        box = page.locator("#readiness input[type=checkbox]:not(:checked)").first
        with page.expect_response(lambda r: "/toggle/" in r.url):
            box.check()
    assert page.inner_text("#readiness").count("100%") == 2
    with page.expect_navigation():
        page.click("button[name=status][value=ready_for_review]")
    for username in ("alice", "olivia", "lena"):
        _as(page, username, url)
        page.check("input[name=go][value=go]")
        page.fill("textarea[name=reason]", f"{username}：准备就绪")
        with page.expect_navigation():
            page.click("#review form button.primary")
    status = page.inner_text("header .status")
    assert status == "可以上线" or status == "Go", status
    assert page.locator("#review .badge.ok").count() == 3


def test_timeline_draws(page, scope):
    feature, _ = scope
    ctx = access_workspace(User.objects.get(username="alice"), "spark")
    from truce.launches.services import launch_create

    launch_create(ctx=ctx, name="上线", target_date=date.today() + timedelta(days=10),
                  requirements=[feature.number], campaigns=[1])  # fmt: skip
    sign_in(page, "olivia")
    page.goto("/w/spark/launches/timeline/")
    page.locator("#launch-timeline .main-svg").first.wait_for()
    assert page.locator("#launch-timeline .barlayer .trace").count() == 2
