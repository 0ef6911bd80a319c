from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from truce.customers.services import feedback_create
from truce.glossary import selectors, services
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_search_and_side_filter(ctx, gmv, tracking):
    assert list(selectors.term_list(ctx, q="gross")) == [gmv]
    assert list(selectors.term_list(ctx, q="数据上报")) == [tracking]
    assert list(selectors.term_list(ctx, side="product")) == [tracking]
    assert set(selectors.term_list(ctx, side="nonsense")) == {gmv, tracking}
    assert list(selectors.term_list(ctx, q="gm\x00v")) == [gmv]


def test_appearances_are_whole_words(ctx, gmv):
    uses = requirement_create(ctx=ctx, title="提升 GMV", description="成交总额要涨")
    alias = requirement_create(ctx=ctx, title="看板", description="按天看成交总额")
    requirement_create(ctx=ctx, title="GMVX 内部代号", description="")
    assert selectors.appearances(gmv) == [alias, uses]


def test_appearances_find_every_spelling_the_index_holds(ctx):
    ab = services.term_create(
        ctx=ctx,
        term_zh="A/B 测试",
        term_en="A/B test",
        aliases=["双11", "café"],
        side="both",
        definition_en="Two versions, each to part of the users.",
    )
    found = [
        requirement_create(ctx=ctx, title="做 A/B测试", description=""),
        requirement_create(ctx=ctx, title="大促", description="双11大促前压测"),
        requirement_create(ctx=ctx, title="ＡＢ", description="run an a/b test first"),
        requirement_create(ctx=ctx, title="Café menu", description=""),
    ]
    requirement_create(ctx=ctx, title="测试 A 和 B", description="AB 测试")  # not the word
    requirement_create(ctx=ctx, title="双 11 月", description="")
    assert selectors.appearances(ab) == found[::-1]


def test_appearances_read_a_bounded_number_of_candidates(ctx, gmv):
    for i in range(8):
        requirement_create(ctx=ctx, title=f"GMV 目标 {i}")
    with CaptureQueriesContext(connection) as captured:
        newest = selectors.appearances(gmv, limit=3)
    assert [r.title for r in newest] == ["GMV 目标 7", "GMV 目标 6", "GMV 目标 5"]
    assert len(captured) == 2


def test_suggestions_find_unexplained_jargon_with_examples(ctx, gmv):
    requirement_create(ctx=ctx, title="提升复购", description="复购率太低，需要做 SKU 精简。")
    requirement_create(ctx=ctx, title="SKU 清理", description="GMV 与复购都看。")
    feedback_create(ctx=ctx, text="希望有复购提醒")
    found = {s.word: s for s in selectors.suggestions(ctx)}
    assert found["复购"].count == 4 and found["复购"].reason == "seed"
    assert found["SKU"].reason in ("seed", "acronym")
    assert "GMV" not in found and "gmv" not in found
    refs = {e.ref for e in found["复购"].examples}
    assert refs <= {"requirement:1", "requirement:2", "feedback:1"} and refs


def test_suggestions_read_comments_when_discussion_is_installed(ctx):
    from django.apps import apps

    if not apps.is_installed("truce.discussion"):
        pytest.skip("the discussion app is not installed")
    from truce.discussion.models import Comment

    req = requirement_create(ctx=ctx, title="首页改版")
    for _ in range(2):
        Comment.objects.create(
            workspace=ctx.workspace, subject_type="requirement", subject_id=req.pk, body="要看 LTV"
        )
    found = {s.word: s for s in selectors.suggestions(ctx)}
    assert found["LTV"].count == 2
    assert found["LTV"].examples[0].ref.startswith("comment:")


def test_source_labels():
    assert selectors.source_label("requirement:12") == "Requirement #12"
    assert selectors.source_label("feedback:3") == "Feedback 3"
