"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every page a test opens records console errors, uncaught exceptions and CSP violations;
a test fails at teardown if any were seen, so "no CSP violation or console error" holds for
every page visited, not just for one test that looks.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import PASSWORD

CHROMIUM = os.environ.get("TRUCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]

# Report CSP violations of every document to Python (Playwright's init scripts and bindings
# are not subject to the page's CSP). Chromium also logs them as console errors.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__trucePolicyViolation(e.violatedDirective + " blocked " + e.blockedURI);
});
"""


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = (
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium "
            "fonts-noto-cjk) or set TRUCE_SKIP_BROWSER=1 to skip the browser tests"
        )
        if os.environ.get("TRUCE_SKIP_BROWSER") == "1":
            pytest.skip(message)
        pytest.fail(message, pytrace=False)
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from fixtures and tests. Set here, not at import, so the non-browser
    # run (which still imports this conftest) keeps Django's guard.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    problems: list[str] = []
    context.expose_function("__trucePolicyViolation", lambda v: problems.append(f"CSP: {v}"))
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()
    watch(page, problems)
    page.problems = problems
    yield page
    context.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


def _refused_form(response) -> bool:
    """A form posted and shown again with its refusal: 409 (stale save) or 422 (invalid),
    as ``RefusedFormMiddleware`` answers. Expected, and checked by what the page shows."""
    request = response.request
    return (
        response.status in (409, 422)
        and request.method == "POST"
        and request.resource_type == "document"
    )


def watch(tab, problems: list[str]) -> None:
    """Record console errors, page errors and 4xx/5xx answers of ``tab`` in ``problems``;
    a refused form's answer (and the console line Chromium logs for it) is not a problem."""
    refused: list[int] = []

    def on_response(r):
        if _refused_form(r):
            refused.append(r.status)
        elif r.status >= 400:
            problems.append(f"HTTP {r.status} {r.url}")

    def on_console(m):
        if m.type != "error":
            return
        for status in refused:
            if f"status of {status} " in m.text and m.text.startswith("Failed to load resource"):
                refused.remove(status)
                return
        problems.append(f"console: {m.text}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    tab.on("response", on_response)


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form button[type=submit].primary")
