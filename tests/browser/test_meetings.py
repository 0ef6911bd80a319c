"""A sync meeting in zh-Hans, from the generated agenda to a recorded decision: open the
upcoming meeting, see the contested requirement on its agenda, start, take minutes, record a
decision with both positions, add an action item, finish."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests.browser.conftest import sign_in
from truce.core.access import access_workspace
from truce.meetings import services
from truce.meetings.models import ActionItem, Decision, Meeting
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting(alice, olivia, lena, workspace):
    alice.language = "zh-hans"
    alice.save(update_fields=["language"])
    ctx = access_workspace(lena, "spark")
    req = requirement_create(ctx=ctx, title="推送频控：每人每天最多 3 条")
    Requirement.objects.filter(pk=req.pk).update(
        contested=True,
        contest_reasons=[{"message_en": "lens gap 0.60", "message_zh": "产品与运营评分差距 0.60"}],
    )
    tomorrow = date.today() + timedelta(days=1)
    series = services.series_create(
        ctx=ctx,
        title="产品运营周会",
        weekday=tomorrow.weekday(),
        start_time=time(10, 0),
        starts_on=tomorrow,
        attendees=[alice, olivia, lena],
    )
    return Meeting.objects.get(series=series, date=tomorrow)


def test_run_a_meeting_from_agenda_to_decision(page, meeting, olivia):
    sign_in(page, "alice")
    page.goto("/w/spark/meetings/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.click("#upcoming a")
    agenda = page.inner_text("#agenda")
    assert "推送频控：每人每天最多 3 条" in agenda and "产品与运营评分差距 0.60" in agenda

    with page.expect_navigation():
        page.click("#start-meeting")
    assert page.get_attribute("#meeting-status", "data-status") == "in_progress"

    page.fill("#minutes textarea[name=minutes]", "## 结论\n大促 3 天放宽到 5 条")
    page.click("#save-minutes")
    page.locator("#minutes-text h2").wait_for()
    assert "大促 3 天放宽到 5 条" in page.inner_text("#minutes-text")

    with page.expect_navigation():
        page.click("#record-decision")
    number = Requirement.objects.get().number
    page.fill("input[name=question]", "推送频控：大促期间是否放宽？")
    page.fill("textarea[name=product_position]", "坚持每天最多 3 条")
    page.fill("textarea[name=operations_position]", "大促期间放宽到 5 条")
    page.fill("textarea[name=outcome]", "大促 3 天放宽到 5 条，卸载率超基线即恢复")
    page.fill("input[name=requirements]", f"#{number}")
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")
    assert "推送频控：大促期间是否放宽？" in page.inner_text("#decisions")

    page.fill("#action-form input[name=title]", "整理大促推送的卸载率数据")
    page.select_option("#action-form select[name=owner]", str(olivia.pk))
    page.fill("#action-form input[name=due]", (date.today() + timedelta(days=7)).isoformat())
    with page.expect_navigation():
        page.click("#add-action")
    assert "整理大促推送的卸载率数据" in page.inner_text("#actions")

    with page.expect_navigation():
        page.click("#finish-meeting")
    assert page.get_attribute("#meeting-status", "data-status") == "done"
    decision = Decision.objects.get()
    assert decision.meeting_id == meeting.pk and decision.requirements.get().number == number
    assert ActionItem.objects.get().owner == olivia
