"""The requirements pool in a real browser: concurrent edits, the board, scoring."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.requirements import services
from truce.requirements.models import Requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def req(alice, olivia, workspace):
    return services.requirement_create(ctx=access_workspace(alice, "spark"), title="结算页改版")


def test_two_people_edit_the_same_requirement(page, second_page, req):
    """Olivia saves first; Alice's save shows Olivia's version instead of overwriting it."""
    url = f"/w/spark/requirements/{req.number}/edit/"
    sign_in(page, "alice")
    page.goto(url)
    olivia = req.workspace.memberships.get(user__username="olivia").user
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    sign_in(second_page, "olivia")
    second_page.goto(url)
    second_page.fill("input[name=title]", "结算页改版（运营版）")
    with second_page.expect_navigation():
        second_page.click("form button.primary")
    page.fill("input[name=title]", "结算页改版（产品版）")
    page.click("form button.primary")
    conflict = page.locator(".callout.conflict")
    conflict.wait_for()
    assert "结算页改版（运营版）" in conflict.inner_text()
    assert Requirement.objects.get(pk=req.pk).title == "结算页改版（运营版）"
    assert page.input_value("input[name=title]") == "结算页改版（产品版）"
    with page.expect_navigation():
        page.click("form button.primary")  # deliberate second save wins, knowingly
    assert Requirement.objects.get(pk=req.pk).title == "结算页改版（产品版）"


def test_board_move_with_the_menu_and_a_refused_drag(page, req):
    sign_in(page, "alice")
    page.goto("/w/spark/requirements/board/")
    card = page.locator(f"#card-{req.number}")
    card.locator("select").select_option("under_review")
    card.locator("button").click()
    page.locator(f'.column[data-status="under_review"] #card-{req.number}').wait_for()
    assert Requirement.objects.get(pk=req.pk).status == "under_review"
    # Dragging straight to "released" is refused by the workflow and said so on the card.
    transfer = page.evaluate_handle("() => new DataTransfer()")
    page.dispatch_event(f"#card-{req.number}", "dragstart", {"dataTransfer": transfer})
    page.dispatch_event('.column[data-status="released"]', "dragover", {"dataTransfer": transfer})
    page.dispatch_event('.column[data-status="released"]', "drop", {"dataTransfer": transfer})
    page.locator(f"#card-{req.number} .field-error").wait_for()
    page.problems.clear()  # the refused move answers 422 on purpose
    assert Requirement.objects.get(pk=req.pk).status == "under_review"
    transfer = page.evaluate_handle("() => new DataTransfer()")
    page.dispatch_event(f"#card-{req.number}", "dragstart", {"dataTransfer": transfer})
    page.dispatch_event('.column[data-status="accepted"]', "drop", {"dataTransfer": transfer})
    page.locator(f'.column[data-status="accepted"] #card-{req.number}').wait_for()
    assert Requirement.objects.get(pk=req.pk).status == "accepted"


def test_both_sides_score_and_see_the_contest(page, second_page, req):
    sign_in(page, "alice")
    page.goto(f"/w/spark/requirements/{req.number}/")
    for key, value in {
        "ux_impact": "9",
        "strategic_fit": "9",
        "confidence": "9",
        "effort": "1",
    }.items():
        page.fill(f"#score-{key}", value)
    page.click("#scoring button[type=submit]")
    page.locator("#scoring .ok").wait_for()
    assert page.locator("#reach").count() == 0  # product does not get operations inputs
    olivia = req.workspace.memberships.get(user__username="olivia").user
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    sign_in(second_page, "olivia")
    second_page.goto(f"/w/spark/requirements/{req.number}/")
    for key in ("reach", "growth", "revenue", "campaign_potential"):
        second_page.fill(f"#score-{key}", "1")
    second_page.click("#scoring button[type=submit]")
    second_page.locator("#scoring .reasons").wait_for()
    assert "产品侧评分" in second_page.locator("#scoring .reasons").inner_text()
