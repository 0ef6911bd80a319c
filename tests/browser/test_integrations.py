"""An admin adds a signed webhook, copies its secret once, sends a test message and reads the
delivery log; a member sees the list without the address's credentials."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import sign_in
from truce.domain import signing
from truce.integrations.models import Endpoint
from truce.integrations.tests.conftest import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver(settings):
    settings.TRUCE_WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_admin_adds_a_webhook_and_sends_a_test_message(page, receiver, admin, alice, workspace):
    sign_in(page, "admin")
    page.goto("/w/spark/integrations/")
    with page.expect_navigation():
        page.click("text=New endpoint")
    page.fill("input[name=name]", "Data warehouse")
    page.select_option("select[name=kind]", "generic")
    page.fill("input[name=url]", receiver.url("/truce"))
    page.fill("input[name=events]", "requirement. launch.go")
    page.select_option("#id_language", "en")  # not the top bar's language switch
    with page.expect_navigation():
        page.click("form button.primary")
    secret = page.inner_text("#new-secret")
    endpoint = Endpoint.objects.get()
    assert secret == endpoint.secret

    with page.expect_navigation():
        page.click("text=Send test message")
    page.locator("#deliveries .delivery-succeeded").first.wait_for()
    assert "HTTP 200" in page.inner_text("#deliveries")
    request = receiver.requests[0]
    assert request.headers["Truce-Event"] == "truce.test"
    assert signing.verify_truce_signature(
        secret,
        request.headers["Truce-Signature"],
        request.body,
        now=int(time.time()),
    )

    page.context.clear_cookies()
    sign_in(page, "alice")
    page.goto("/w/spark/integrations/")
    assert "Data warehouse" in page.inner_text("main")
    assert "/truce" not in page.inner_text("main")  # path hidden from non-admins
    assert page.locator("text=New endpoint").count() == 0
