from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from truce.core.access import access_workspace
from truce.core.errors import PermissionDenied, PreconditionFailed, ValidationFailed
from truce.requirements import scoring, services
from truce.requirements.models import Criterion, Requirement, Score

pytestmark = pytest.mark.django_db

PRODUCT_HIGH = {"ux_impact": 9, "strategic_fit": 9, "confidence": 9, "effort": 1}
OPS_LOW = {"reach": 1, "growth": 1, "revenue": 1, "campaign_potential": 1}


@pytest.fixture
def req(alice, workspace):
    return services.requirement_create(ctx=access_workspace(alice, "spark"), title="会员积分抵现")


def test_default_scorecard_is_created_once(workspace):
    card, criteria = scoring.scorecard_for(workspace)
    assert card.method == "weighted" and len(criteria) == 8
    assert {c.lens for c in criteria} == {"product", "operations"}
    scoring.scorecard_for(workspace)
    assert Criterion.objects.filter(workspace=workspace).count() == 8


def test_each_side_scores_its_lens_and_divergence_is_contested(alice, olivia, req):
    scoring.scores_set(ctx=access_workspace(alice, "spark"), requirement=req, values=PRODUCT_HIGH)
    assert req.product_score > 0.8 and req.operations_score is None and not req.contested
    ev = scoring.scores_set(ctx=access_workspace(olivia, "spark"), requirement=req, values=OPS_LOW)
    req.refresh_from_db()
    assert req.contested and ev.contested
    assert req.contest_reasons[0]["code"] == "lens_divergence"
    assert "Product rates this" in req.contest_reasons[0]["message_en"]
    assert "产品侧" in req.contest_reasons[0]["message_zh"]


def test_sides_cannot_score_the_other_lens(alice, olivia, victor, admin, req):
    with pytest.raises(PermissionDenied):
        scoring.scores_set(ctx=access_workspace(alice, "spark"), requirement=req, values=OPS_LOW)
    with pytest.raises(PermissionDenied):
        scoring.scores_set(
            ctx=access_workspace(admin, "spark"), requirement=req, values={"reach": 5}
        )
    assert not Score.objects.exists()


def test_lead_scores_both_and_scorer_disagreement_is_detected(alice, lena, req):
    scoring.scores_set(
        ctx=access_workspace(alice, "spark"), requirement=req, values={"ux_impact": 1}
    )
    scoring.scores_set(
        ctx=access_workspace(lena, "spark"), requirement=req, values={"ux_impact": 10, "reach": 5}
    )
    req.refresh_from_db()
    assert any(r["code"] == "scorer_disagreement" for r in req.contest_reasons)


def test_out_of_range_and_unknown_criteria_are_refused(alice, req):
    with pytest.raises(ValidationFailed) as exc:
        scoring.scores_set(
            ctx=access_workspace(alice, "spark"),
            requirement=req,
            values={"ux_impact": 11, "nope": 1},
        )
    assert set(exc.value.fields) == {"ux_impact", "nope"}
    assert not Score.objects.exists()


def test_rescoring_replaces_and_clearing_deletes(alice, req):
    ctx = access_workspace(alice, "spark")
    scoring.scores_set(ctx=ctx, requirement=req, values={"ux_impact": 3})
    scoring.scores_set(ctx=ctx, requirement=req, values={"ux_impact": 7})
    assert list(Score.objects.values_list("value", flat=True)) == [7]
    scoring.scores_set(ctx=ctx, requirement=req, values={"ux_impact": None})
    assert not Score.objects.exists()
    req.refresh_from_db()
    assert req.product_score is None


def test_scorecard_switch_to_rice_rescores_everything(
    admin, alice, olivia, req, workspace, django_capture_on_commit_callbacks
):
    scoring.scores_set(ctx=access_workspace(alice, "spark"), requirement=req, values=PRODUCT_HIGH)
    ctx = access_workspace(admin, "spark")
    card, _ = scoring.scorecard_for(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        scoring.scorecard_update(
            ctx=ctx,
            expected_version=card.version,
            method="rice",
            product_weight=0.5,
            operations_weight=0.5,
            contested_threshold=0.3,
            disagreement_threshold=0.4,
        )
    keys = set(Criterion.objects.filter(workspace=workspace).values_list("key", flat=True))
    assert "reach" in keys and "ux_impact" not in keys
    req.refresh_from_db()
    assert req.priority is None  # RICE needs every factor
    assert not Score.objects.exists()  # confidence changed scale (0–10 → 0–100), so it went
    with pytest.raises(PreconditionFailed):
        scoring.scorecard_update(
            ctx=ctx,
            expected_version=card.version,
            method="wsjf",
            product_weight=0.5,
            operations_weight=0.5,
            contested_threshold=0.3,
            disagreement_threshold=0.4,
        )


def test_only_admins_and_leads_change_the_scorecard(alice, workspace):
    scoring.scorecard_for(workspace)
    with pytest.raises(PermissionDenied):
        scoring.scorecard_update(
            ctx=access_workspace(alice, "spark"),
            expected_version=1,
            method="weighted",
            product_weight=1,
            operations_weight=1,
            contested_threshold=0.3,
            disagreement_threshold=0.4,
        )


def test_rescore_all_matches_single_rescore(alice, olivia, workspace):
    ctx = access_workspace(alice, "spark")
    reqs = [services.requirement_create(ctx=ctx, title=f"r{i}") for i in range(5)]
    for i, r in enumerate(reqs):
        scoring.scores_set(ctx=ctx, requirement=r, values={"ux_impact": i * 2})
    before = dict(Requirement.objects.values_list("pk", "product_score"))
    Requirement.objects.update(product_score=None)
    assert scoring.rescore_all(workspace) == 5
    assert dict(Requirement.objects.values_list("pk", "product_score")) == before


def test_scoring_panel_by_htmx(alice, req):
    url = reverse("requirements:scores", args=["spark", req.number])
    r = client_for(alice).post(
        url,
        {"score-ux_impact": "8", "score-effort": "", "note": "用户调研"},
        HTTP_HX_REQUEST="true",
    )
    body = r.content.decode()
    assert r.status_code == 200 and body.strip().startswith('<section class="card" id="scoring">')
    assert "Your scores were saved" in body and "Alice: 8" in body
    r = client_for(alice).post(url, {"score-ux_impact": "eleven"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 422 and "Enter a number" in r.content.decode()


def test_viewer_cannot_score(victor, req):
    url = reverse("requirements:scores", args=["spark", req.number])
    assert client_for(victor).post(url, {"score-reach": "3"}).status_code == 403


def test_detail_shows_reasons_in_the_readers_language(alice, olivia, req):
    scoring.scores_set(ctx=access_workspace(alice, "spark"), requirement=req, values=PRODUCT_HIGH)
    scoring.scores_set(ctx=access_workspace(olivia, "spark"), requirement=req, values=OPS_LOW)
    alice.language = "zh-hans"
    alice.save()
    with translation.override("zh-hans"):
        body = client_for(alice).get(reverse("requirements:detail", args=["spark", req.number]))
    assert "产品侧评分" in body.content.decode()


def test_scorecard_page_lead_can_change_weights(lena, alice, workspace):
    card, criteria = scoring.scorecard_for(workspace)
    url = reverse("requirements:scorecard", args=["spark"])
    data = {
        "method": "weighted",
        "product_weight": 0.6,
        "operations_weight": 0.4,
        "contested_threshold": 0.25,
        "disagreement_threshold": 0.5,
        "version": card.version,
        **{f"weight-{c.key}": c.weight for c in criteria},
        "weight-reach": 3,
    }
    assert client_for(alice).post(url, data).status_code == 403
    r = client_for(lena).post(url, data)
    assert r.status_code == 302
    assert Criterion.objects.get(workspace=workspace, key="reach").weight == 3
    r = client_for(lena).post(url, data)  # stale version now
    assert r.status_code == 422 and "Someone else changed this" in r.content.decode()


def test_detail_page_offers_only_the_readers_lens(alice, olivia, req):
    url = reverse("requirements:detail", args=["spark", req.number])
    body = client_for(alice).get(url).content.decode()
    assert 'id="score-ux_impact"' in body and 'id="score-reach"' not in body
    body = client_for(olivia).get(url).content.decode()
    assert 'id="score-reach"' in body and 'id="score-ux_impact"' not in body


def test_strategic_fit_can_follow_linked_key_results(
    admin, alice, lena, req, workspace, django_capture_on_commit_callbacks
):
    from datetime import date

    from truce.goals import services as goals

    ctx = access_workspace(lena, "spark")
    card, _ = scoring.scorecard_for(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        scoring.scorecard_update(
            ctx=ctx,
            expected_version=card.version,
            method="weighted",
            product_weight=0.5,
            operations_weight=0.5,
            contested_threshold=0.3,
            disagreement_threshold=0.4,
            fit_from_goals=True,
        )
    with pytest.raises(ValidationFailed) as exc:
        scoring.scores_set(
            ctx=access_workspace(alice, "spark"), requirement=req, values={"strategic_fit": 9}
        )
    assert "strategic_fit" in exc.value.fields
    today = date.today()
    period = goals.period_create(
        ctx=ctx, name="Q", start=today.replace(day=1), end=today.replace(day=28)
    )
    objective = goals.objective_create(ctx=ctx, period=period, title="GMV", side="joint")
    kr = goals.key_result_create(ctx=ctx, objective=objective, title="GMV", baseline=0, target=10)
    goals.link_add(ctx=ctx, key_result=kr, requirement=req)
    req.refresh_from_db()
    assert req.product_score is not None  # strategic fit alone now scores the product lens
    body = client_for(alice).get(reverse("requirements:detail", args=["spark", req.number]))
    assert "from linked key results" in body.content.decode()
    goals.link_remove(ctx=ctx, key_result=kr, requirement=req)
    req.refresh_from_db()
    assert req.product_score == 0  # no linked key result: no strategic fit
