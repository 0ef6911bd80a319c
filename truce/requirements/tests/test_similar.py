"""Likely duplicates over HTTP: the hint under the title of a new requirement, and the API."""

import pytest
from django.urls import reverse

from conftest import client_for
from truce.core.access import access_workspace
from truce.requirements.services import requirement_create
from truce.requirements.similar import similar_requirements


@pytest.fixture
def pool(workspace, alice, charlie, other_workspace):
    ctx = access_workspace(alice, workspace.slug)
    made = [
        requirement_create(ctx=ctx, title=t)
        for t in [
            "修复优惠券领取流程",
            "优化会员到期提醒",
            "新增直播入口",
            "Fix coupons claim flow",
        ]
    ]
    other = access_workspace(charlie, other_workspace.slug)
    requirement_create(ctx=other, title="修复优惠券领取流程")
    return made


@pytest.mark.django_db
def test_similar_requirements_finds_the_duplicate_in_this_workspace_only(pool, workspace):
    found = similar_requirements(workspace, "双十一期间优惠券领取失败，客服工单激增")
    assert [s.requirement for s in found] == [pool[0]]
    assert 0 < found[0].score <= 1
    assert similar_requirements(workspace, "发票导出报表") == []
    assert similar_requirements(workspace, "") == []


@pytest.mark.django_db
def test_the_new_page_asks_for_duplicates_as_the_title_is_typed(pool, workspace, alice):
    client = client_for(alice)
    page = client.get(reverse("requirements:new", args=[workspace.slug]))
    assert f'hx-get="/w/{workspace.slug}/requirements/similar/"' in page.text
    assert 'id="similar"' in page.text
    url = reverse("requirements:similar", args=[workspace.slug])
    r = client.get(url, {"title": "优惠券领取失败"})
    assert r.status_code == 200
    assert "Possibly the same as" in r.text and f"#{pool[0].number}" in r.text
    assert "<html" not in r.text
    empty = client.get(url, {"title": "发票"})
    assert empty.text.strip() == ""


@pytest.mark.django_db
def test_the_api_returns_scored_matches(pool, workspace, victor):
    url = f"/api/v1/workspaces/{workspace.slug}/requirements-similar"
    r = client_for(victor).get(url, {"text": "coupons claim fails"})
    assert r.status_code == 200
    assert [m["number"] for m in r.json()] == [pool[3].number]
    assert set(r.json()[0]) == {"number", "title", "status", "score"}
