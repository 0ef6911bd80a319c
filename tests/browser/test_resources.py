"""Campaigns and capacity in a real browser: an operations member working in Chinese creates
a campaign, adds its budget demand, schedules it and sees the pool over-committed; the
capacity calendar is edited in place and draws its chart with the local Plotly."""

from __future__ import annotations

from datetime import date

import pytest

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.domain import capacity as cap
from truce.resources import services
from truce.resources.models import Campaign, Capacity, Demand

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def month() -> date:
    return cap.shift(date.today(), cap.MONTH, 1)


@pytest.fixture
def budget(olivia, alice, month):
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    ctx = access_workspace(olivia, "spark")
    pool = services.pool_create(
        ctx=ctx, name="市场预算", kind="money", side="operations", unit="元"
    )
    return services.capacities_set(
        ctx=ctx, pool=pool, expected_version=pool.version, amounts={month: 100000}
    )


def test_campaign_in_chinese_with_demand_gets_flagged(page, budget, month):
    sign_in(page, "olivia")
    page.goto("/w/spark/campaigns/new/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.fill("input[name=title]", "双十二大促")
    page.select_option("select[name=channel]", "event")
    page.fill("textarea[name=description]", "全站 **满减**")
    with page.expect_navigation():
        page.click("form button.primary")
    assert page.inner_text("h1").startswith("C1 双十二大促")
    assert page.inner_html(".prose").count("<strong>满减</strong>") == 1
    page.select_option("#add-pool", str(budget.pk))
    page.select_option("#add-period", cap.label(month, cap.MONTH))
    page.fill("#add-amount", "150000")
    page.click("form.add-demand button[type=submit]")  # htmx swaps the demands section
    page.locator("#demands tr[id^=demand-]").first.wait_for()
    assert "市场预算" in page.inner_text("#demands")
    assert Demand.objects.get().amount == 150000
    for status in ("proposed", "scheduled"):
        page.select_option("#move-status", status)
        with page.expect_navigation():
            page.click("form[action$='/status/'] button")
    assert Campaign.objects.get().status == "scheduled"
    page.locator("#overcommit-flag").wait_for()
    assert page.locator("#demands tr.over").count() == 1
    page.goto("/w/spark/campaigns/")
    assert page.locator("#results .badge.over").count() == 1


def test_capacity_calendar_edits_in_place_and_draws(page, budget, month):
    sign_in(page, "olivia")
    page.goto("/w/spark/resources/calendar/")
    page.locator("#calendar-chart .main-svg").first.wait_for()
    label = cap.label(month, cap.MONTH)
    for amount in ("250000", "260000"):  # the second edit goes through the swapped row
        cell = page.locator(f"#cap-{budget.pk}-{label}")
        cell.fill(amount)
        # htmx wires the swapped row's forms only once the swap has settled, so the next
        # edit waits for htmx:afterSettle rather than for the row to appear.
        page.evaluate(
            "window.__settled = false; document.addEventListener("
            "'htmx:afterSettle', () => { window.__settled = true; }, {once: true})"
        )
        with page.expect_response(lambda r: r.url.endswith("/capacity/")) as answer:
            cell.dispatch_event("change")
        assert answer.value.status == 200
        for _ in range(200):  # polled from here: the page's CSP refuses wait_for_function
            if page.evaluate("window.__settled === true"):
                break
            page.wait_for_timeout(50)
        page.locator(f"#pool-row-{budget.pk} .ok").wait_for()
        assert Capacity.objects.get(pool=budget, start=month).amount == int(amount)
