"""Joint planning in a real browser: three signatures agree a goal set; an edit reopens it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.goals import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kr(alice, olivia, lena, workspace):
    ctx = access_workspace(alice, "spark")
    today = date.today()
    period = services.period_create(
        ctx=ctx, name="本季度", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    objective = services.objective_create(ctx=ctx, period=period, title="提升新客转化")
    kr = services.key_result_create(
        ctx=ctx, objective=objective, title="首单转化率", unit="%", baseline=10, target=20
    )
    services.check_in_create(ctx=ctx, key_result=kr, value=12, confidence=0.7)
    return kr


def _sign_as(page, username, url):
    page.context.clear_cookies()  # sign out the previous persona
    sign_in(page, username)
    page.goto(url)
    with page.expect_navigation():
        page.click("#sign-button")


def test_three_sign_then_an_edit_reopens(page, kr):
    url = f"/w/spark/goals/{kr.objective.period_id}/"
    _sign_as(page, "alice", url)
    assert "Still needed: Operations, Lead" in page.inner_text("#signoff")
    _sign_as(page, "olivia", url)
    _sign_as(page, "lena", url)
    assert page.inner_text("#signoff-status") == "agreed"
    page.goto(f"/w/spark/goals/key-results/{kr.pk}/edit/")
    page.fill("input[name=target]", "25")
    with page.expect_navigation():
        page.click("form button.primary")
    page.goto(url)
    assert page.inner_text("#signoff-status") == "reopened"
    changes = page.inner_text("#changes-since")
    assert "Target" in changes and "25" in changes


def test_key_result_chart_draws_with_local_plotly(page, kr):
    sign_in(page, "olivia")
    page.goto(f"/w/spark/goals/key-results/{kr.pk}/")
    page.locator("#kr-chart .main-svg").first.wait_for()
    assert page.locator("#kr-chart .scatterlayer .trace").count() == 2
