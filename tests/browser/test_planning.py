"""Allocation in a real browser, in zh-Hans: build a scenario, run it, see both charts, adopt a
Pareto point by clicking it, publish, and sign as product, operations and a lead."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import sign_in
from truce.accounts.models import User
from truce.core.access import access_workspace
from truce.goals import services as goals
from truce.planning.models import PeriodPlan, Run
from truce.planning.tests.factories import planning_world
from truce.requirements.models import Requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def period(alice, olivia, lena, workspace):
    User.objects.filter(username__in=["alice", "olivia", "lena"]).update(language="zh-hans")
    ctx = access_workspace(alice, "spark")
    planning_world(ctx)
    return goals.period_create(
        ctx=ctx, name="2026 第三季度", start=date(2026, 7, 1), end=date(2026, 9, 30)
    )


def _sign_as(page, username, url):
    page.context.clear_cookies()  # sign out the previous persona
    sign_in(page, username)
    page.goto(url)
    with page.expect_navigation():
        page.click("#sign-button")


def _adopt_by_clicking_the_chart(page, run: Run) -> int:
    points = run.result["pareto"]["points"]
    target = next(k for k, p in enumerate(points) if p["selected"] != run.result["selected"])
    marker = page.locator("#pareto-chart .scatterlayer .trace").first.locator(".point").nth(target)
    marker.scroll_into_view_if_needed()  # a click outside the viewport lands nowhere
    box = marker.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return target


def test_build_run_adopt_publish_and_sign_in_chinese(page, period):
    sign_in(page, "alice")
    page.goto("/w/spark/planning/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("#new-scenario")
    page.fill("input[name=name]", "第三季度分配")
    page.select_option("select[name=period]", str(period.pk))
    page.check("input[name=statuses][value=accepted]")
    page.check("input[name=statuses][value=under_review]")
    with page.expect_navigation():
        page.click("#save-scenario")
    with page.expect_navigation():
        page.click("#run-button")
    page.locator("#utilisation-chart .main-svg").first.wait_for()
    page.locator("#pareto-chart .main-svg").first.wait_for()
    assert "灰度发布" in page.inner_text("#funded") + page.inner_text("#left-out")
    assert page.locator("#utilisation-chart .barlayer .trace").count() == 1
    page.locator("#left-out details summary").first.click()
    assert page.locator("#left-out .why").first.is_visible()

    run = Run.objects.get()
    target = _adopt_by_clicking_the_chart(page, run)
    run.refresh_from_db()
    assert run.result["adopted"] == target
    page.locator("#pareto-table tr.current").wait_for()

    with page.expect_navigation():
        page.click("#publish-button")
    plan = PeriodPlan.objects.get()
    url = f"/w/spark/planning/plans/{plan.pk}/"
    assert plan.content["items"] and page.url.endswith(url)
    _sign_as(page, "alice", url)
    _sign_as(page, "olivia", url)
    _sign_as(page, "lena", url)
    assert page.inner_text("#signoff-status") == "已达成一致"
    funded = [int(i["id"][1:]) for i in plan.content["items"] if i["kind"] == "requirement"]
    moved = Requirement.objects.filter(number__in=funded, status="scheduled").count()
    refused = len(PeriodPlan.objects.get().apply_report["refused"])
    assert moved + refused == len(funded) and moved > 0
