"""From contested score to decision in a real browser, in Chinese: operations scores low
where product scored high, a conflict opens by itself, both sides put evidence, it is
escalated, and the lead records the decision that closes it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from truce.accounts.models import User
from truce.conflicts.models import Conflict
from truce.core.access import access_workspace
from truce.requirements.scoring import scores_set
from truce.requirements.services import requirement_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def req(alice, olivia, lena, workspace):
    User.objects.filter(username__in=["alice", "olivia", "lena"]).update(language="zh-hans")
    ctx = access_workspace(alice, "spark")
    r = requirement_create(ctx=ctx, title="推送频控：每人每天最多 3 条")
    high = {"ux_impact": 9, "strategic_fit": 9, "confidence": 9, "effort": 1}
    scores_set(ctx=ctx, requirement=r, values=high)
    return r


def _as(page, username, url):
    page.context.clear_cookies()
    sign_in(page, username)
    page.goto(url)


def test_contested_score_to_decision(page, req):
    _as(page, "olivia", f"/w/spark/requirements/{req.number}/")
    for key in ("reach", "growth", "revenue", "campaign_potential"):
        page.fill(f"#score-{key}", "1")
    page.click("#scoring button[type=submit]")
    page.locator("#scoring .reasons").wait_for()
    conflict = Conflict.objects.get()  # opened by itself after the scores disagreed
    assert conflict.requirement_id == req.pk and conflict.source == "contested"
    page.goto("/w/spark/conflicts/")
    with page.expect_navigation():
        page.click(f"text={conflict.title}")
    page.select_option("select[name=e-side]", "operations")
    page.fill("input[name=e-label]", "大促期间推送贡献 18% GMV")
    with page.expect_navigation():
        page.click("#evidence ~ section form button.primary")
    assert "18% GMV" in page.inner_text("#evidence")
    with page.expect_navigation():
        page.click("button[name=status][value=escalated]")
    assert Conflict.objects.get().status == "escalated"
    _as(page, "lena", f"/w/spark/conflicts/{conflict.number}/")
    page.fill("textarea[name=d-outcome]", "平日 3 条，大促周 5 条")
    with page.expect_navigation():
        page.click("#decision button.primary")
    assert "平日 3 条，大促周 5 条" in page.inner_text("#decision")
    assert Conflict.objects.get().status == "decided"
    page.goto("/w/spark/health/")
    page.locator("#measure-escalations .main-svg").first.wait_for()
