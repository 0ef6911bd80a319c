from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from truce.core.access import access_workspace
from truce.core.errors import PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord
from truce.core.search import fts_filter
from truce.customers import services
from truce.customers.models import Customer, Feedback, SegmentPolicy
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


def customer(ctx, name, value, **kw):
    return services.customer_create(ctx=ctx, name=name, value=Decimal(value), **kw)


def segments(workspace) -> dict[str, str]:
    return dict(Customer.objects.filter(workspace=workspace).values_list("name", "segment"))


def test_create_segments_with_default_thresholds_at_the_boundary(ctx, workspace):
    # 80 of 100 reaches the A threshold exactly: 大客户 alone is A; 15 more is B; the rest C.
    customer(ctx, "大客户", 80)
    customer(ctx, "中客户", 15)
    customer(ctx, "小客户", 5)
    assert segments(workspace) == {"大客户": "A", "中客户": "B", "小客户": "C"}
    assert SegmentPolicy.objects.get(workspace=workspace).a_share == 0.8  # created lazily


def test_workspace_thresholds_move_the_boundaries(ctx, admin, workspace):
    for name, value in [("a", 50), ("b", 30), ("c", 15), ("d", 5)]:
        customer(ctx, name, value)
    assert segments(workspace) == {"a": "A", "b": "A", "c": "B", "d": "C"}
    admin_ctx = access_workspace(admin, workspace.slug)
    services.segment_policy_update(ctx=admin_ctx, a_share=0.5, b_share=0.3, expected_version=1)
    assert segments(workspace) == {"a": "A", "b": "B", "c": "C", "d": "C"}
    assert ChangeRecord.objects.filter(subject_type="segmentpolicy", verb="updated").exists()


def test_policy_refuses_more_than_everything(ctx):
    with pytest.raises(ValidationFailed) as exc:
        services.segment_policy_update(ctx=ctx, a_share=0.9, b_share=0.2, expected_version=None)
    assert "100%" in exc.value.fields["b_share"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.segment_policy_update(ctx=ctx, a_share=0, b_share=0.2, expected_version=None)
    assert "a_share" in exc.value.fields


def test_link_error_in_chinese(ctx, charlie, other_workspace):
    theirs = requirement_create(ctx=access_workspace(charlie, "northwind"), title="theirs")
    fb = services.feedback_create(ctx=ctx, text="x")
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as exc:
        services.feedback_link(ctx=ctx, feedback=fb, requirement=theirs)
    assert exc.value.fields["requirement"] == ["请选择本工作区中的需求。"]


def test_policy_stale_version(ctx):
    services.segment_policy_update(ctx=ctx, a_share=0.7, b_share=0.2, expected_version=1)
    with pytest.raises(PreconditionFailed):
        services.segment_policy_update(ctx=ctx, a_share=0.6, b_share=0.2, expected_version=1)


def test_create_validates(ctx):
    with pytest.raises(ValidationFailed) as exc:
        customer(ctx, "  ", -1)
    assert {"name", "value"} <= set(exc.value.fields)
    assert not Customer.objects.exists()


def test_update_value_resegments_and_refreshes_demand(ctx, workspace):
    big, small = customer(ctx, "big", 90), customer(ctx, "small", 10)
    req = requirement_create(ctx=ctx, title="会员积分")
    fb = services.feedback_create(ctx=ctx, text="积分能换券吗", customer=small)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    req.refresh_from_db()
    assert (req.demand_value, req.top_segment) == (Decimal(10), "B")
    services.customer_update(ctx=ctx, customer=small, expected_version=1, value=Decimal(900))
    req.refresh_from_db()
    assert segments(workspace) == {"big": "B", "small": "A"}
    assert (req.demand_value, req.demand_customers, req.top_segment) == (Decimal(900), 1, "A")
    assert big.version == 1  # re-segmenting is not an edit: nobody's form goes stale
    assert Customer.objects.get(pk=big.pk).version == 1


def test_update_stale_version_and_unknown_field(ctx):
    c = customer(ctx, "京东", 1)
    services.customer_update(ctx=ctx, customer=c, expected_version=1, notes="大促")
    stale = Customer.objects.get(pk=c.pk)
    with pytest.raises(PreconditionFailed) as exc:
        services.customer_update(ctx=ctx, customer=stale, expected_version=1, notes="lost")
    assert exc.value.current.notes == "大促"
    with pytest.raises(ValidationFailed):
        services.customer_update(ctx=ctx, customer=c, expected_version=None, segment="A")


def test_demand_counts_each_customer_once(ctx):
    a, b = customer(ctx, "a", 100), customer(ctx, "b", 100)  # same value: not SUM(DISTINCT)
    req = requirement_create(ctx=ctx, title="发票")
    for who, text in [(a, "要发票"), (a, "还是要发票"), (b, "开票"), (None, "匿名")]:
        fb = services.feedback_create(ctx=ctx, text=text, customer=who, channel="ticket")
        services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    req.refresh_from_db()
    assert (req.demand_value, req.demand_customers, req.top_segment) == (Decimal(200), 2, "A")


def test_link_unlink_and_move_recompute_both_requirements(ctx):
    c = customer(ctx, "c", 50)
    first, second = requirement_create(ctx=ctx, title="1"), requirement_create(ctx=ctx, title="2")
    fb = services.feedback_create(ctx=ctx, text="x", customer=c)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=first)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.demand_customers, second.demand_customers) == (0, 1)
    assert first.top_segment == "" and first.demand_value == 0
    services.feedback_unlink(ctx=ctx, feedback=fb)
    second.refresh_from_db()
    assert second.demand_customers == 0 and fb.status == Feedback.State.NEW
    assert ChangeRecord.objects.filter(subject_id=second.pk, verb="unlinked").exists()


def test_dismiss_unlinks(ctx):
    c = customer(ctx, "c", 50)
    req = requirement_create(ctx=ctx, title="r")
    fb = services.feedback_create(ctx=ctx, text="x", customer=c)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    services.feedback_dismiss(ctx=ctx, feedback=fb, expected_version=fb.version)
    req.refresh_from_db()
    assert fb.status == "dismissed" and fb.requirement is None and req.demand_customers == 0


def test_triage_stale_version(ctx):
    fb = services.feedback_create(ctx=ctx, text="x")
    services.feedback_dismiss(ctx=ctx, feedback=fb, expected_version=1)
    stale = Feedback.objects.get(pk=fb.pk)
    stale.version = 1
    req = requirement_create(ctx=ctx, title="r")
    with pytest.raises(PreconditionFailed):
        services.feedback_link(ctx=ctx, feedback=stale, requirement=req, expected_version=1)


def test_feedback_create_indexes_and_validates(ctx):
    c = customer(ctx, "拼多多", 1)
    fb = services.feedback_create(ctx=ctx, text="希望支持优惠券叠加", customer=c, channel="sales")
    for query in ("优惠券", "拼多多", "叠加 优惠"):
        assert list(fts_filter(Feedback.objects.all(), query)) == [fb], query
    assert fb.created_by == ctx.membership.user
    with pytest.raises(ValidationFailed) as exc:
        services.feedback_create(ctx=ctx, text=" ", channel="pigeon")
    assert {"text", "channel"} <= set(exc.value.fields)


def test_feedback_update_changes_customer_and_demand(ctx):
    a, b = customer(ctx, "a", 10), customer(ctx, "b", 30)
    req = requirement_create(ctx=ctx, title="r")
    fb = services.feedback_create(ctx=ctx, text="x", customer=a)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    services.feedback_update(ctx=ctx, feedback=fb, expected_version=fb.version, customer=b)
    req.refresh_from_db()
    assert req.demand_value == Decimal(30)


def test_create_requirement_from_feedback(ctx):
    c = customer(ctx, "美团", 10)
    fb = services.feedback_create(ctx=ctx, text="夜间模式\n太亮了", customer=c, channel="app_store")
    req = services.feedback_create_requirement(ctx=ctx, feedback=fb, title="夜间模式")
    fb.refresh_from_db()
    assert fb.requirement == req and fb.status == "linked"
    assert req.description.startswith("> 夜间模式\n> 太亮了") and "美团" in req.description
    assert "App store review" in req.description
    assert req.demand_customers == 0  # the instance was created before linking
    req.refresh_from_db()
    assert req.demand_customers == 1 and req.demand_value == Decimal(10)


def test_create_requirement_failure_links_nothing(ctx):
    fb = services.feedback_create(ctx=ctx, text="x")
    with pytest.raises(ValidationFailed):
        services.feedback_create_requirement(ctx=ctx, feedback=fb, title="")
    fb.refresh_from_db()
    assert fb.status == "new" and not Requirement.objects.exists()


def test_delete_customer_keeps_feedback_and_refreshes_demand(ctx):
    a, b = customer(ctx, "a", 10), customer(ctx, "b", 30)
    req = requirement_create(ctx=ctx, title="r")
    fb = services.feedback_create(ctx=ctx, text="x", customer=b)
    services.feedback_link(ctx=ctx, feedback=fb, requirement=req)
    services.customer_delete(ctx=ctx, customer=b)
    req.refresh_from_db()
    a.refresh_from_db()
    assert req.demand_customers == 0 and a.segment == "A"
    assert Feedback.objects.get(pk=fb.pk).customer is None


def test_twenty_thousand_customers_segment_in_a_bounded_number_of_queries(ctx, workspace):
    # Work is bounded by queries (bulk reads and writes), not asserted in seconds.
    Customer.objects.bulk_create(
        Customer(workspace=workspace, name=f"c{i}", value=Decimal(i % 997 + 1))
        for i in range(20_000)
    )
    with CaptureQueriesContext(connection) as queries:
        changed = services.segments_recompute(workspace)
    assert len(changed) > 10_000
    assert len(queries) <= 60, len(queries)
    counts = {s: Customer.objects.filter(segment=s).count() for s in "ABC"}
    assert counts["A"] > 0 and counts["B"] > 0 and sum(counts.values()) == 20_000
    with CaptureQueriesContext(connection) as queries:
        assert services.segments_recompute(workspace) == set()  # nothing changed: nothing written
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
