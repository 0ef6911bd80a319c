"""The large seed at a tiny size: consistent counts, search text, HTML, segments, demand, scores."""

from __future__ import annotations

from collections import defaultdict

import pytest

from truce.cli import build_parser
from truce.core.markdown import render_markdown
from truce.core.search import fts_filter
from truce.core.text import index_text
from truce.customers.models import Customer, Feedback
from truce.domain.segments import segment
from truce.requirements import scoring
from truce.requirements.models import Requirement, Score
from truce.seed.large import Size, seed_large

SIZE = Size(
    requirements=300,
    customers=60,
    feedback=900,
    scored=60,
    candidates=20,
    campaigns=5,
    comments=200,
    key_results=3,
    launches=3,
    meetings=2,
)


@pytest.fixture
def large(db):
    return seed_large(slug="large", size=SIZE)


def test_counts_and_members(large):
    assert Requirement.objects.filter(workspace=large).count() == 300
    assert Customer.objects.filter(workspace=large).count() == 60
    assert Feedback.objects.filter(workspace=large).count() == 900
    linked = Feedback.objects.filter(workspace=large, requirement__isnull=False).count()
    assert 0.6 < linked / 900 < 0.8
    scored = Score.objects.filter(workspace=large).values("requirement").distinct().count()
    assert scored == 60
    assert set(large.memberships.values_list("user__username", flat=True)) == {
        "admin", "alice", "olivia", "lena", "victor"
    }  # fmt: skip
    assert large.name == "大规模演示 · Large"


def test_search_text_and_html_equal_what_the_services_write(large):
    for r in Requirement.objects.filter(workspace=large):
        assert r.search_text == index_text(r.title, r.description), r.number
        assert r.description_html == render_markdown(r.description), r.number
    for f in Feedback.objects.filter(workspace=large).select_related("customer")[:300]:
        name = f.customer.name if f.customer_id else ""
        assert f.search_text == index_text(f.text, name)


def test_segments_follow_the_abc_rule(large):
    rows = Customer.objects.filter(workspace=large).values_list("pk", "value", "segment")
    expected = segment({pk: float(value) for pk, value, _ in rows})
    assert {pk: s for pk, _, s in rows} == expected
    assert {s for _, _, s in rows} == {"A", "B", "C"}


def test_demand_is_the_distinct_asking_customers(large):
    asking = defaultdict(set)
    for f in Feedback.objects.filter(workspace=large, requirement__isnull=False).exclude(
        customer=None
    ):
        asking[f.requirement_id].add(f.customer_id)
    customers = {c.pk: c for c in Customer.objects.filter(workspace=large)}
    for r in Requirement.objects.filter(workspace=large):
        ids = asking.get(r.pk, set())
        assert r.demand_customers == len(ids)
        assert r.demand_value == sum((customers[i].value for i in ids), 0)
        assert r.top_segment == min((customers[i].segment for i in ids), default="")


def test_lens_scores_and_priority_are_what_scoring_computes(large):
    scored = Requirement.objects.filter(workspace=large, priority__isnull=False)
    assert scored.count() == 60
    for r in scored:
        evaluation = scoring.evaluate_requirement(r)
        assert r.priority == pytest.approx(evaluation.priority)
        assert r.product_score == pytest.approx(evaluation.product.score)
        assert r.contested == evaluation.contested


def test_full_text_index_is_rebuilt_and_kept_in_sync_afterwards(large):
    qs = Requirement.objects.filter(workspace=large)
    word = qs.first().title[:2]
    assert fts_filter(qs, word).count() == sum(word in r.search_text for r in qs)
    r = qs.last()
    r.title, r.search_text = "独一无二的标题", index_text("独一无二的标题")
    r.save(update_fields=["title", "search_text"])
    assert list(fts_filter(qs, "独一无二")) == [r]


def test_deterministic_and_refuses_an_existing_workspace(large):
    again = seed_large(slug="again", size=SIZE)
    titles = lambda ws: list(  # noqa: E731
        Requirement.objects.filter(workspace=ws).order_by("number").values_list("title")
    )
    assert titles(again) == titles(large)
    with pytest.raises(ValueError):
        seed_large(slug="large", size=SIZE)


def test_cli_seed_size_option():
    args = build_parser().parse_args(["seed", "--size", "large"])
    assert (args.size, args.workspace) == ("large", "large")
    assert build_parser().parse_args(["seed"]).size == "demo"


def test_every_module_has_its_load(large):
    from truce.conflicts.models import Conflict, HealthSnapshot
    from truce.core.models import ChangeRecord
    from truce.discussion.models import Comment, Notification
    from truce.goals.models import CheckIn, KeyResult
    from truce.launches.models import Launch
    from truce.meetings.models import ActionItem, Decision, Meeting
    from truce.planning.models import PeriodPlan, Run
    from truce.responsibilities.models import Row
    from truce.seed.large_modules import showcase

    reqs = Requirement.objects.filter(workspace=large)
    created = ChangeRecord.objects.filter(
        workspace=large, verb="created", subject_type="requirement"
    )
    assert created.count() == reqs.count()
    assert Comment.objects.filter(workspace=large).count() == SIZE.comments
    assert Notification.objects.filter(workspace=large, recipient__username="alice").exists()
    assert KeyResult.objects.filter(workspace=large).count() == SIZE.key_results
    assert CheckIn.objects.filter(workspace=large).count() >= SIZE.key_results
    assert Launch.objects.filter(workspace=large).count() == SIZE.launches
    assert Launch.objects.filter(workspace=large, status="launched").exists()
    done = Meeting.objects.filter(workspace=large, status="done").count()
    assert done == SIZE.meetings
    assert Decision.objects.filter(workspace=large, meeting__isnull=False).count() == done
    assert ActionItem.objects.filter(workspace=large).count() == 2 * done
    assert Row.objects.filter(workspace=large).exists()
    assert Conflict.objects.filter(workspace=large).exists()
    assert HealthSnapshot.objects.filter(workspace=large).count() >= 8
    assert Run.objects.filter(workspace=large, status="done").count() == 2
    assert PeriodPlan.objects.filter(workspace=large).count() == 1
    keys = showcase(large)
    wanted = {"number", "run_id", "first_run_id", "launch_number", "meeting_id", "kr_id",
              "conflict_number", "decision_number", "notification_id", "endpoint_id"}  # fmt: skip
    assert wanted <= set(keys)
