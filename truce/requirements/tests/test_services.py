from __future__ import annotations

from decimal import Decimal

import pytest

from truce.core.access import access_workspace
from truce.core.errors import Conflict, PreconditionFailed, ValidationFailed
from truce.core.models import ChangeRecord
from truce.requirements import services
from truce.requirements.models import Requirement, Status
from truce.requirements.selectors import RequirementFilter, filter_requirements

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


def make(ctx, title="灰度发布开关", **kw):
    return services.requirement_create(ctx=ctx, title=title, **kw)


def test_create_numbers_renders_markdown_and_records_history(ctx, alice):
    a = make(ctx, description="**埋点** <script>x</script>", tags=["增长", " 增长 ", "体验"])
    b = make(ctx, title="Second")
    assert (a.number, b.number) == (1, 2)
    assert a.origin_side == "product" and a.created_by == alice
    assert "<strong>埋点</strong>" in a.description_html and "<script" not in a.description_html
    assert sorted(t.name for t in a.tags.all()) == ["体验", "增长"]
    assert ChangeRecord.objects.filter(subject_id=a.pk, verb="created").exists()


def test_create_validates_and_writes_nothing(ctx):
    with pytest.raises(ValidationFailed) as exc:
        make(ctx, title="  ", kind="nonsense", estimate_days=Decimal("-1"))
    assert {"title", "kind", "estimate_days"} <= set(exc.value.fields)
    assert not Requirement.objects.exists()


def test_owner_must_be_a_member(ctx, charlie):
    with pytest.raises(ValidationFailed) as exc:
        make(ctx, owner=charlie)
    assert "owner" in exc.value.fields


def test_update_tracks_before_after_and_detects_stale_version(ctx, olivia):
    r = make(ctx)
    services.requirement_update(
        ctx=ctx, requirement=r, expected_version=1, title="新标题", owner=olivia, tags=["运营"]
    )
    change = ChangeRecord.objects.filter(subject_id=r.pk, verb="updated").get()
    assert change.changes["title"] == ["灰度发布开关", "新标题"]
    assert change.changes["tags"] == [[], ["运营"]]
    stale = Requirement.objects.get(pk=r.pk)
    stale.version = 1
    with pytest.raises(PreconditionFailed):
        services.requirement_update(ctx=ctx, requirement=stale, expected_version=1, title="lost")
    assert Requirement.objects.get(pk=r.pk).title == "新标题"


def test_workflow_is_enforced_with_a_clear_message(ctx):
    r = make(ctx)
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_move(ctx=ctx, requirement=r, status=Status.RELEASED)
    assert "cannot move" in exc.value.message and "Under review" in exc.value.message
    for s in ["under_review", "accepted", "scheduled", "in_progress", "released"]:
        services.requirement_move(ctx=ctx, requirement=r, status=s)
    assert r.status == "released"
    assert ChangeRecord.objects.filter(subject_id=r.pk, verb="status").count() == 5


def test_bulk_move_is_all_or_nothing(ctx):
    a, b = make(ctx, title="a"), make(ctx, title="b")
    services.requirement_move(ctx=ctx, requirement=b, status="rejected")
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_bulk_move(ctx=ctx, numbers=[a.number, b.number], status="under_review")
    assert "#2" in exc.value.message
    assert Requirement.objects.get(pk=a.pk).status == "proposed"
    assert services.requirement_bulk_move(ctx=ctx, numbers=[a.number], status="under_review") == 1


def test_prerequisite_cycle_is_refused_with_the_loop(ctx):
    a, b, c = make(ctx, title="a"), make(ctx, title="b"), make(ctx, title="c")
    services.prerequisite_add(ctx=ctx, requirement=a, prerequisite=b)
    services.prerequisite_add(ctx=ctx, requirement=b, prerequisite=c)
    with pytest.raises(Conflict) as exc:
        services.prerequisite_add(ctx=ctx, requirement=c, prerequisite=a)
    assert "#3 → #1 → #2 → #3" in exc.value.message
    with pytest.raises(Conflict):
        services.prerequisite_add(ctx=ctx, requirement=a, prerequisite=a)
    assert list(c.prerequisites.all()) == []


def test_parent_cannot_be_own_descendant(ctx):
    a = make(ctx, title="epic")
    b = make(ctx, title="story", parent=a)
    with pytest.raises(ValidationFailed) as exc:
        services.requirement_update(ctx=ctx, requirement=a, expected_version=1, parent=b)
    assert "parent" in exc.value.fields


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("券", {"支付宝优惠券领取"}),  # 1 character
        ("优惠", {"支付宝优惠券领取"}),  # 2 characters, a jieba word
        ("惠券", {"支付宝优惠券领取"}),  # 2 characters jieba never produces
        ("优惠券领", {"支付宝优惠券领取"}),  # 4 characters
        ("push 推送", {"Push 推送频控"}),
        ("pus", {"Push 推送频控"}),  # English prefix
        ("不存在", set()),
    ],
)
def test_chinese_and_english_search(ctx, query, expected):
    make(ctx, title="支付宝优惠券领取")
    make(ctx, title="Push 推送频控", description="控制每天的推送次数")
    make(ctx, title="会员等级")
    found = filter_requirements(ctx.workspace, RequirementFilter(q=query))
    assert {r.title for r in found} == expected


def test_search_survives_hostile_queries(ctx):
    make(ctx, title="a")
    for q in ['"', "' OR 1=1 --", "NEAR(", "*", "a AND", "::", "\\"]:
        list(filter_requirements(ctx.workspace, RequirementFilter(q=q)))


def test_filters(ctx, olivia):
    a = make(ctx, title="a", tags=["增长"])
    make(ctx, title="b", owner=olivia, origin_side="operations")
    f = RequirementFilter
    assert [r.title for r in filter_requirements(ctx.workspace, f(tag="增长"))] == ["a"]
    assert [r.title for r in filter_requirements(ctx.workspace, f(owner=olivia.pk))] == ["b"]
    assert [r.title for r in filter_requirements(ctx.workspace, f(side="operations"))] == ["b"]
    services.requirement_move(ctx=ctx, requirement=a, status="under_review")
    assert [r.title for r in filter_requirements(ctx.workspace, f(status=("under_review",)))] == [
        "a"
    ]


def test_creating_changing_and_moving_announce_events(ctx):
    from truce.core.models import DomainEvent

    r = services.requirement_create(ctx=ctx, title="灰度发布开关")
    services.requirement_update(ctx=ctx, requirement=r, expected_version=r.version, estimate_days=5)
    services.requirement_move(ctx=ctx, requirement=r, status="under_review")
    kinds = list(
        DomainEvent.objects.filter(subject_type="requirement", subject_id=r.pk)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["requirement.created", "requirement.changed", "requirement.status"]
    changed = DomainEvent.objects.get(kind="requirement.changed")
    assert changed.data["fields"] == ["estimate_days"] and changed.url.endswith(f"/{r.number}/")
