"""Two browsers signed in as the same person: the laptop sees the phone in its list of
sessions and signs it out; the phone's next page asks it to sign in again."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _CSP_LISTENER, sign_in, watch

pytestmark = pytest.mark.browser

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN"
)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", user_agent=PHONE)
    context.set_default_timeout(10_000)
    problems: list[str] = []
    context.expose_function("__trucePolicyViolation", lambda v: problems.append(f"CSP: {v}"))
    context.add_init_script(_CSP_LISTENER)
    tab = context.new_page()
    watch(tab, problems)
    yield tab
    context.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


def test_signing_the_phone_out_from_the_laptop(page, phone, alice):
    sign_in(phone, "alice")
    sign_in(page, "alice")
    page.goto("/accounts/security/")
    rows = page.locator("#session-list tbody tr")
    assert rows.count() == 2
    mine = rows.filter(has_text="This session")
    assert mine.count() == 1 and mine.locator("button").count() == 0
    other = rows.filter(has_text="WeChat on iOS")
    with page.expect_navigation():
        other.get_by_role("button", name="Sign out").click()
    assert "The session on WeChat on iOS was signed out." in page.content()
    assert page.locator("#session-list tbody tr").count() == 1
    phone.goto("/accounts/profile/")
    assert phone.url.split("?")[0].endswith("/accounts/login/")
