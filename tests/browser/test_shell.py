"""The web shell in a real browser: sign-in, language switch, htmx writes, keyboard, CSP."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPO, sign_in
from truce.accounts.models import ApiToken, Membership, hash_secret


@pytest.mark.browser
def test_sign_in_lands_on_the_workspace_overview(page, alice):
    sign_in(page, "alice")
    expect(page).to_have_url(re.compile(r"/w/spark/$"))
    expect(page.locator("main h1")).to_have_text("星火电商")
    expect(page.locator("nav.mainnav")).to_contain_text("Members")
    expect(page.locator(".usermenu summary")).to_have_text("Alice")


@pytest.mark.browser
def test_wrong_password_shows_the_error(page, alice):
    sign_in(page, "alice", password="not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".form-errors[role=alert]")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(page.locator("nav.mainnav")).to_have_count(0)


@pytest.mark.browser
def test_language_switcher_shows_chinese_then_english(page, personas):
    sign_in(page, "alice")
    with page.expect_navigation():
        page.select_option("#lang-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#lang-select")).to_have_value("zh-hans")
    # Needs Truce's catalogue: truce/locale/zh_Hans/LC_MESSAGES/django.mo (compilemessages).
    expect(page.locator("nav.mainnav")).to_contain_text("成员")
    personas["alice"].refresh_from_db()
    assert personas["alice"].language == "zh-hans"
    if os.environ.get("TRUCE_SCREENSHOT") == "1":
        (REPO / "docs").mkdir(exist_ok=True)
        page.screenshot(path=str(REPO / "docs" / "screenshot.png"))

    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.mainnav")).to_contain_text("Members")
    expect(page.locator("nav.mainnav")).not_to_contain_text("成员")


@pytest.mark.browser
def test_chinese_page_uses_djangos_catalogue(page, alice):
    """Independent of Truce's own .mo: Django's translations switch with the language."""
    sign_in(page, "alice")
    with page.expect_navigation():
        page.select_option("#lang-select", "zh-hans")
    page.goto("/accounts/password/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("label[for=id_old_password]")).to_contain_text("旧密码")


@pytest.mark.browser
def test_admin_changes_a_role_with_htmx(page, admin, alice):
    member = Membership.objects.get(user=alice)
    sign_in(page, "admin")
    page.goto("/w/spark/members/")
    row = page.locator(f"#member-{member.pk}")
    expect(row.locator("input[name=version]")).to_have_value(str(member.version))

    with page.expect_response(lambda r: r.url.endswith(f"/members/{member.pk}/")) as info:
        page.select_option(f"#role-{member.pk}", "lead")
    response = info.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    assert response.request.headers.get("x-csrftoken")

    expect(row.locator(".ok[role=status]")).to_have_text("Saved")
    # The row was swapped: the new version is in the form, so the next change is not stale.
    expect(row.locator("input[name=version]")).to_have_value(str(member.version + 1))
    expect(page).to_have_url(re.compile(r"/w/spark/members/$"))
    member.refresh_from_db()
    assert member.role == "lead"


@pytest.mark.browser
def test_create_api_token_shows_the_secret_once(page, alice):
    sign_in(page, "alice")
    page.goto("/accounts/tokens/")
    page.fill("#id_name", "Jira sync")
    with page.expect_response(lambda r: r.url.endswith("/accounts/tokens/")) as info:
        page.click("#token-panel button[type=submit]")
    assert info.value.request.headers.get("hx-request") == "true"

    secret = page.locator("#new-token").inner_text().strip()
    assert len(secret) >= 20
    token = ApiToken.objects.get(user=alice, name="Jira sync")
    assert token.token_hash == hash_secret(secret)
    expect(page.locator("#token-panel table")).to_contain_text("Jira sync")

    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("#token-panel table")).to_contain_text(token.prefix)
    assert secret not in page.content()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/w/spark/", "/w/spark/members/", "/accounts/tokens/"])
def test_tab_reaches_the_skip_link_first(page, alice, path):
    # Signed-in pages only: the sign-in form autofocuses the username field, by design.
    sign_in(page, "alice")
    page.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.browser
def test_pages_have_a_csp_and_no_console_errors(page, personas):
    """The `page` fixture fails on any console error or CSP violation; this visits every page."""
    response = page.goto("/accounts/login/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    sign_in(page, "admin")
    for path in [
        "/w/spark/",
        "/w/spark/members/",
        "/w/spark/settings/",
        "/w/spark/audit/",
        "/w/spark/invitations/new/",
        "/workspaces/",
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/password/",
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # htmx must have loaded under the CSP, or the pages above silently lost their behaviour.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.problems == []


@pytest.mark.browser
def test_show_password_reveals_what_was_typed_and_signs_in_as_usual(page, alice):
    """ASVS 2.1.12: the password can be shown; it is a password field again when sent."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "not-the-password")
    reveal = page.locator("button.reveal-password")
    expect(reveal).to_have_text("Show password")
    expect(reveal).to_have_attribute("aria-pressed", "false")
    reveal.click()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "text")
    expect(reveal).to_have_text("Hide password")
    expect(reveal).to_have_attribute("aria-pressed", "true")
    reveal.click()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    reveal.click()
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    expect(page.locator(".form-errors[role=alert]")).to_be_visible()  # a wrong password
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": page.url}])
    page.goto("/accounts/login/")
    expect(page.locator("button.reveal-password")).to_have_text("显示密码")


@pytest.mark.browser
def test_password_strength_shows_as_the_new_password_is_typed(page, alice):
    """ASVS 2.1.8: the meter follows the typing; a broken rule is named."""
    sign_in(page, "alice")
    page.goto("/accounts/password/")
    requests = []
    page.on("request", lambda r: requests.append(r) if "strength" in r.url else None)
    page.fill("#id_old_password", "the-current-one")
    page.locator("#id_new_password1").press_sequentially("abc", delay=20)
    expect(page.locator("#password-strength .strength-label")).to_have_text("Not accepted")
    expect(page.locator("#password-strength li").first).to_contain_text("too short")
    page.fill("#id_new_password1", "correct horse battery staple")
    expect(page.locator("#password-strength .strength-label")).to_have_text("Strong")
    assert page.locator("#password-strength meter").get_attribute("value") == "4"
    assert requests and all("the-current-one" not in (r.post_data or "") for r in requests)
