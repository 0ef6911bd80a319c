"""Two-step sign-in in a real browser: turn it on by reading the key off the page (as an app
would from the QR code), sign out, sign in with the password and then a code."""

from __future__ import annotations

import time

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in
from truce.accounts import totp

pytestmark = pytest.mark.browser


def _code(secret: str) -> str:
    return totp.code_at(secret, totp.step_of(time.time()))


def test_turn_it_on_and_sign_in_with_a_code(page, alice):
    sign_in(page, "alice")
    page.goto("/accounts/two-step/")
    assert page.locator("#totp-qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.fill("input[name=code]", _code(secret))
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Turn two-step sign-in on").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.context.clear_cookies()  # a new browser session
    page.goto("/accounts/login/?next=/accounts/tokens/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert page.url.endswith("/accounts/login/code/")
    assert page.locator("input[name=code]").get_attribute("autocomplete") == "one-time-code"
    step = totp.step_of(time.time())
    page.fill("input[name=code]", totp.code_at(secret, step + 1))  # the enabling code was used
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
    assert page.url.endswith("/accounts/tokens/")
