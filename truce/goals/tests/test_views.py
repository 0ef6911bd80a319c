from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for, remote_assets
from truce.core.access import access_workspace
from truce.goals import services
from truce.goals.models import CheckIn, KeyResultLink, Objective, Period
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_new_period_from_a_quarter(alice):
    r = client_for(alice).post(reverse("goals:period_new", args=["spark"]), {"quarter": "2026-q3"})
    period = Period.objects.get()
    assert r.status_code == 302 and period.name == "2026-Q3"
    assert (str(period.start), str(period.end)) == ("2026-07-01", "2026-09-30")


def test_new_period_needs_quarter_or_dates(alice):
    r = client_for(alice).post(reverse("goals:period_new", args=["spark"]), {"name": "x"})
    assert r.status_code == 422 and not Period.objects.exists()


def test_period_page_bounded_and_shows_risk(
    alice, ctx, period, objective, kr, django_assert_max_num_queries
):
    for i in range(5):
        o = services.objective_create(ctx=ctx, period=period, title=f"目标 {i}")
        for j in range(3):
            services.key_result_create(
                ctx=ctx, objective=o, title=f"KR {i}.{j}", baseline=0, target=1
            )
    client = client_for(alice)
    with django_assert_max_num_queries(15):  # +1: the header's unread count
        r = client.get(reverse("goals:period", args=["spark", period.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "at risk" in body and "首单转化率" in body
    assert "more than 15 points behind" in body
    assert 'aria-current="page">Goals' in body


def test_objective_create_and_edit_conflict(alice, olivia, period, objective):
    url = reverse("goals:objective_new", args=["spark", period.pk])
    r = client_for(alice).post(url, {"title": "降低流失", "side": "operations"})
    assert r.status_code == 302 and Objective.objects.filter(side="operations").exists()
    edit = reverse("goals:objective_edit", args=["spark", objective.pk])
    base = {"title": "", "side": "joint", "version": 1}
    client_for(olivia).post(edit, {**base, "title": "运营版"})
    r = client_for(alice).post(edit, {**base, "title": "产品版"})
    assert r.status_code == 409 and "运营版" in r.content.decode()


def test_key_result_page_has_chart_data_and_plotly_locally(alice, ctx, kr):
    services.check_in_create(ctx=ctx, key_result=kr, value=12, confidence=0.7)
    r = client_for(alice).get(reverse("goals:key_result", args=["spark", kr.pk]))
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="kr-chart-data" type="application/json"' in body
    assert "/static/vendor/plotly/plotly.min.js" in body
    assert remote_assets(body) == []


def test_check_in_and_invalid_check_in(alice, kr):
    url = reverse("goals:check_in", args=["spark", kr.pk])
    client = client_for(alice)
    assert client.post(url, {"value": "14", "confidence": "0.6"}).status_code == 302
    r = client.post(url, {"value": "x", "confidence": "2"})
    assert r.status_code == 422 and CheckIn.objects.count() == 1


def test_link_and_unlink(alice, ctx, kr):
    req = requirement_create(ctx=ctx, title="新人礼包")
    client = client_for(alice)
    url = reverse("goals:link_add", args=["spark", kr.pk])
    assert client.post(url, {"number": req.number, "contribution": "+2%"}).status_code == 302
    assert client.post(url, {"number": req.number}).status_code == 422  # already linked
    assert client.post(url, {"number": 999}).status_code == 422
    client.post(reverse("goals:link_remove", args=["spark", kr.pk, req.number]))
    assert not KeyResultLink.objects.exists()


def test_alignment_bounded_with_orphans(
    alice, ctx, period, objective, kr, django_assert_max_num_queries
):
    idle = services.key_result_create(
        ctx=ctx, objective=objective, title="空闲KR", baseline=0, target=1
    )
    olivia_ctx = ctx
    served = [requirement_create(ctx=olivia_ctx, title=f"需求{i}") for i in range(6)]
    orphan = requirement_create(ctx=ctx, title="孤儿需求")
    for r in served:
        services.link_add(ctx=ctx, key_result=kr, requirement=r)
    client = client_for(alice)
    with django_assert_max_num_queries(10):
        resp = client.get(reverse("goals:alignment", args=["spark", period.pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    orphans = body.split('id="orphans"')[1].split("</section>")[0]
    assert orphan.title in orphans and "需求0" not in orphans
    idle_part = body.split('id="idle-key-results"')[1].split("</section>")[0]
    assert idle.title in idle_part and "首单转化率" not in idle_part
    assert "<strong>7</strong> / 10" in body.split('id="fit-hints"')[1]


def test_sign_and_reopen_over_http(alice, olivia, lena, period, kr):
    url = reverse("goals:sign", args=["spark", period.pk])
    for user in (alice, olivia, lena):
        assert client_for(user).post(url).status_code == 302
    page = reverse("goals:period", args=["spark", period.pk])
    assert 'id="signoff-status">agreed' in client_for(alice).get(page).content.decode()
    edit = reverse("goals:key_result_edit", args=["spark", kr.pk])
    client_for(olivia).post(
        edit,
        {
            "title": "首单转化率",
            "unit": "%",
            "baseline": 10,
            "target": 25,
            "direction": "up",
            "weight": 1,
            "version": 1,
        },
    )
    body = client_for(alice).get(page, HTTP_HX_REQUEST="true").content.decode()
    assert body.strip().startswith('<section id="signoff"') and "reopened" in body
    assert "What changed since the signatures" in body and "20.0 → 25.0" in body


def test_settings_by_admin_only(admin, alice):
    url = reverse("goals:settings", args=["spark"])
    assert client_for(alice).post(url, {"version": 1}).status_code == 403
    client_for(admin).post(url, {"version": 1})
    ws = access_workspace(admin, "spark").workspace
    assert services.goal_settings_for(ws).requires_lead_signature is False


def test_pages_in_chinese(alice, period, kr):
    alice.language = "zh-hans"
    alice.save()
    r = client_for(alice).get(reverse("goals:period", args=["spark", period.pk]))
    assert "个百分点" in r.content.decode()


def test_a_signature_is_for_the_goals_that_were_shown(alice, olivia, period, kr):
    """The page's sign form carries the hash it showed: if the goals changed meanwhile, the
    signature is refused and the person sees what changed (no signing unseen goals)."""
    from truce.goals.models import Signature

    page = reverse("goals:period", args=["spark", period.pk])
    shown = client_for(alice).get(page).context["signoff"].current_hash
    assert f'name="hash" value="{shown}"' in client_for(alice).get(page).content.decode()
    edit = reverse("goals:key_result_edit", args=["spark", kr.pk])
    data = {"title": "首单转化率", "unit": "%", "baseline": 10, "target": 25}
    client_for(olivia).post(edit, {**data, "direction": "up", "weight": 1, "version": 1})
    url = reverse("goals:sign", args=["spark", period.pk])
    r = client_for(alice).post(url, {"hash": shown}, follow=True)
    assert "The goals changed since you opened this page." in r.content.decode()
    assert not Signature.objects.exists()
    current = r.context["signoff"].current_hash
    assert current != shown
    assert client_for(alice).post(url, {"hash": current}).status_code == 302
    assert Signature.objects.get().goal_hash == current
    # the API: If-Match names the goal_hash reviewed
    api = f"/api/v1/workspaces/spark/goals/periods/{period.pk}/sign"
    r = client_for(olivia).post(api, HTTP_IF_MATCH=f'"{shown}"')
    assert r.status_code == 412 and r.json()["error"]["code"] == "stale"
    assert client_for(olivia).post(api, HTTP_IF_MATCH=f'"{current}"').status_code == 201
