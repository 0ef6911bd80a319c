"""The glossary in a real browser: a product member reads a requirement's description where
the operations jargon is marked, and gets it explained in product words (hover, keyboard,
click); an operations member sees the product jargon marked instead."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.glossary.models import Term
from truce.glossary.services import starter_import
from truce.requirements.services import requirement_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gmv(alice, olivia, workspace):
    ctx = access_workspace(olivia, "spark")
    starter_import(ctx=ctx)
    requirement_create(
        ctx=ctx,
        title="双十一预热会场",
        description="本次活动目标 GMV 提升 20%，先补埋点，再做私域召回。\n\n`GMV` 口径见看板。",
    )
    return Term.objects.get(workspace__slug="spark", starter_key="gmv")


def test_product_member_sees_operations_jargon_explained(page, gmv):
    sign_in(page, "alice")
    page.goto(f"/w/spark/glossary/{gmv.pk}/")
    excerpt = page.locator("#appears .gl-excerpt").first
    marks = excerpt.locator(".gl-mark")
    assert marks.all_inner_texts() == ["GMV", "私域", "召回"]  # not 埋点: alice's own word
    mark = marks.first
    tip = page.locator("#" + mark.get_attribute("aria-describedby"))
    assert tip.get_attribute("role") == "tooltip" and not tip.is_visible()
    mark.hover()
    tip.wait_for(state="visible")
    assert "In your words" in tip.inner_text() and "sum of all order amounts" in tip.inner_text()
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")
    mark.focus()  # keyboard users get the same explanation
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    mark.click()  # touch: a tap pins it open
    page.mouse.move(0, 0)
    page.locator("h1").focus()
    tip.wait_for(state="visible")
    page.locator("h1").click()
    tip.wait_for(state="hidden")


def test_operations_member_sees_product_jargon(page, gmv):
    sign_in(page, "olivia")
    page.goto(f"/w/spark/glossary/{gmv.pk}/")
    marks = page.locator("#appears .gl-excerpt .gl-mark")
    assert marks.all_inner_texts() == ["埋点"]
    marks.first.hover()
    tip = page.locator(".gl-pop").first
    tip.wait_for(state="visible")
    assert "the data behind campaign reports" in tip.inner_text()


def test_glossary_list_searches_as_you_type(page, gmv):
    sign_in(page, "alice")
    page.goto("/w/spark/glossary/")
    assert page.locator("#results tbody tr").count() == Term.objects.count()
    page.fill("#gl-q", "canary")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "Canary release" in page.inner_text("#results")


def test_searches_leave_no_page_copy_in_browser_storage_and_back_reloads(page, gmv):
    """htmx keeps no history snapshots (`historyCacheSize` 0): nothing of a page outlives the
    session in the tab's storage, and Back loads the earlier address from the server."""
    sign_in(page, "alice")
    page.goto("/w/spark/glossary/")
    everything = Term.objects.count()
    page.fill("#gl-q", "canary")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/w/spark/glossary/\?q=canary"))
    stored = page.evaluate(
        "() => [localStorage.length, Object.fromEntries(Object.entries(sessionStorage))]"
    )
    # htmx remembers only the address it is at, no copy of any page
    assert stored == [0, {"htmx-current-path-for-history": "/w/spark/glossary/?q=canary&side="}]
    page.go_back()
    expect(page.locator("#results tbody tr")).to_have_count(everything)
    assert page.input_value("#gl-q") == ""
    page.go_forward()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "Canary release" in page.inner_text("#results")
