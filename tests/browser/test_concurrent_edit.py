"""Two people, two browsers, one item: both open the edit page, both change it, both save.

The one who saves second is refused in their own language (Chinese here), sees the other
person's change, reloads and makes their change again; in the end both changes are there,
the first person's never lost. Played on a requirement and on a campaign.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.browser.conftest import _CSP_LISTENER, sign_in, watch
from truce.core.access import access_workspace
from truce.core.errors import PreconditionFailed
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create
from truce.resources.models import Campaign
from truce.resources.services import campaign_create

pytestmark = pytest.mark.browser


def _stale_zh() -> str:
    with translation.override("zh-hans"):
        return translation.gettext(str(PreconditionFailed.default_message))


@pytest.fixture
def second(browser, live_server):
    """The second person's browser, in Chinese, watched for problems like ``page``."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    problems: list[str] = []
    context.expose_function("__trucePolicyViolation", lambda v: problems.append(f"CSP: {v}"))
    context.add_init_script(_CSP_LISTENER)
    tab = context.new_page()
    watch(tab, problems)
    yield tab
    context.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def olivia_in_chinese(olivia):
    olivia.language = "zh-hans"
    olivia.save(update_fields=["language"])
    return olivia


def _save(tab):
    with tab.expect_navigation():
        tab.click("main form button.primary")


def test_requirement_edited_in_two_browsers(page, second, alice, olivia_in_chinese, workspace):
    req = requirement_create(ctx=access_workspace(alice, "spark"), title="结算页改版")
    url = f"/w/spark/requirements/{req.number}/edit/"
    sign_in(page, "alice")
    sign_in(second, "olivia")
    page.goto(url)
    second.goto(url)

    page.fill("input[name=title]", "结算页改版：一键支付")
    _save(page)
    assert Requirement.objects.get(pk=req.pk).title == "结算页改版：一键支付"

    second.fill("textarea[name=description]", "大促前上线，运营配合推送。")
    second.click("main form button.primary")
    conflict = second.locator(".callout.conflict")
    conflict.wait_for()
    assert _stale_zh() in second.locator("main").inner_text()
    assert "结算页改版：一键支付" in conflict.inner_text()  # the other person's change
    saved = Requirement.objects.get(pk=req.pk)
    assert (saved.title, saved.description) == ("结算页改版：一键支付", "")

    second.goto(url)  # reload: start from the current version, make the change again
    assert second.input_value("input[name=title]") == "结算页改版：一键支付"
    second.fill("textarea[name=description]", "大促前上线，运营配合推送。")
    _save(second)
    saved = Requirement.objects.get(pk=req.pk)
    assert saved.title == "结算页改版：一键支付"  # the first person's change is kept
    assert saved.description == "大促前上线，运营配合推送。"


def test_campaign_edited_in_two_browsers(page, second, alice, olivia_in_chinese, workspace):
    campaign = campaign_create(
        ctx=access_workspace(olivia_in_chinese, "spark"), title="双十二推送", channel="push"
    )
    url = f"/w/spark/campaigns/{campaign.number}/edit/"
    sign_in(page, "alice")
    sign_in(second, "olivia")
    page.goto(url)
    second.goto(url)

    page.fill("input[name=title]", "双十二推送：结算页改版")
    _save(page)

    second.fill("input[name=expected_reach]", "200000")
    second.click("main form button.primary")
    conflict = second.locator(".callout.conflict")
    conflict.wait_for()
    assert _stale_zh() in second.locator("main").inner_text()
    assert "双十二推送：结算页改版" in conflict.inner_text()
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.title, saved.expected_reach) == ("双十二推送：结算页改版", None)

    second.goto(url)
    assert second.input_value("input[name=title]") == "双十二推送：结算页改版"
    second.fill("input[name=expected_reach]", "200000")
    _save(second)
    saved = Campaign.objects.get(pk=campaign.pk)
    assert (saved.title, saved.expected_reach) == ("双十二推送：结算页改版", 200000)
