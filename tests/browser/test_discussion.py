"""Discussion in a real browser, in zh-Hans: alice mentions olivia through the autocomplete;
olivia sees the unread badge and the notification, and opens it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.requirements import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def req(alice, olivia, workspace):
    for user in (alice, olivia):
        user.language = "zh-hans"
        user.display_name = {"alice": "李爱丽", "olivia": "欧阳丽娜"}[user.username]
        user.save(update_fields=["language", "display_name"])
    return services.requirement_create(
        ctx=access_workspace(alice, "spark"), title="会员积分抵扣运费"
    )


def test_mention_via_autocomplete_reaches_olivias_inbox(page, req):
    sign_in(page, "alice")
    page.goto(f"/w/spark/requirements/{req.number}/")
    assert page.get_attribute("html", "lang") == "zh-hans"
    box = page.locator(".comment-form textarea")
    box.click()
    box.press_sequentially("运营这边怎么看？@欧阳")
    option = page.locator(".mention-list [role=option]").first
    # The list for "@" or "@欧" may be on screen first; wait for the one for "@欧阳".
    expect(option).to_contain_text("@olivia")
    expect(option).to_contain_text("欧阳丽娜")
    expect(page.locator(".mention-list [role=option]")).to_have_count(1)
    assert box.get_attribute("aria-expanded") == "true"
    box.press("Enter")  # the keyboard picks the highlighted member
    assert box.input_value() == "运营这边怎么看？@olivia "
    box.press_sequentially("请确认活动时间")
    page.click(".comment-form button[type=submit]")
    page.locator(".comment .mention").first.wait_for()
    assert "请确认活动时间" in page.inner_text(".comments")

    page.context.clear_cookies()
    sign_in(page, "olivia")
    assert page.inner_text("#inbox-unread").strip().endswith("1")
    page.click("#inbox-link")
    item = page.locator(".notification.is-unread")
    assert item.count() == 1 and "会员积分抵扣运费" in item.inner_text()
    assert "请确认活动时间" in item.inner_text()
    with page.expect_navigation():
        item.locator(".notification-open button").click()
    assert f"/requirements/{req.number}/" in page.url
    assert page.locator("#inbox-unread").count() == 0


def test_the_list_on_screen_narrows_while_a_longer_prefix_is_on_its_way(page, req):
    """The answer for "@" lists both members; while the answer for "@o" is held back, the list
    on screen already keeps only olivia, so Enter cannot pick someone typed past."""
    held = []

    def hold_longer_prefixes(route):
        if "q=&" in route.request.url + "&":
            route.continue_()
        else:
            held.append(route)  # never answered during the test

    page.route(re.compile(r"/mention-suggestions/"), hold_longer_prefixes)
    sign_in(page, "alice")
    page.goto(f"/w/spark/requirements/{req.number}/")
    box = page.locator(".comment-form textarea")
    box.click()
    options = page.locator(".mention-list [role=option]")
    box.press_sequentially("@")
    expect(options).to_have_count(2)
    box.press_sequentially("o")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("@olivia")
    assert held, "the request for the longer prefix was not made"
    box.press("Enter")
    assert box.input_value() == "@olivia "
    box.press_sequentially("@z")  # nobody starts with z: the list closes at once
    expect(options).to_have_count(0)
    assert box.get_attribute("aria-expanded") == "false"


def test_long_thread_loads_earlier_comments_and_finds_an_old_linked_one(
    page, req, alice, monkeypatch
):
    """Three comments a page: "show earlier" loads in place; an old-style "#comment-<id>"
    link to a comment off the page makes discussion.js load the thread at that comment."""
    from truce.discussion import selectors
    from truce.discussion import services as discussion

    monkeypatch.setattr(selectors, "THREAD_PAGE", 3)
    ctx = access_workspace(alice, "spark")
    ids = [discussion.comment_create(ctx=ctx, subject=req, body=f"第 {i} 条").pk for i in range(8)]
    sign_in(page, "alice")
    page.goto(f"/w/spark/requirements/{req.number}/")
    comments = page.locator(".comments .comment")
    assert comments.count() == 3
    page.focus(".comment-more a")
    page.keyboard.press("Enter")  # from the keyboard: focus moves to what came in
    page.locator(f"#comment-{ids[2]}").wait_for()
    assert comments.count() == 6 and page.locator(".comment-more").count() == 1
    expect(page.locator(f"#comment-{ids[2]}")).to_be_focused()
    page.goto("/inbox/")  # then open the link afresh (the same page would only change hash)
    page.goto(f"/w/spark/requirements/{req.number}/#comment-{ids[0]}")
    page.locator(f"#comment-{ids[0]}").wait_for()
    assert "第 0 条" in page.inner_text(".comments") and comments.count() == 6
    assert page.locator(".comment-more").count() == 1  # the gap before the latest page
