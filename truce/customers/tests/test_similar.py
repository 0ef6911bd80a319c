"""Likely duplicates of feedback: bounded reads of the index, and on a small workspace the same
answer as counting shared words over every requirement."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from truce.core.access import access_workspace
from truce.core.search import fts_filter
from truce.customers import selectors
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db

WORDS = [
    "优惠券", "领取", "失败", "会员", "积分", "海报", "分享", "夜间模式", "页面", "加载", "速度",
    "export", "exports", "orders", "coupon", "console", "renewal", "双11", "大促", "café",
]  # fmt: skip
FEEDBACK = [
    "双11大促期间优惠券领取失败，页面加载速度太慢。",
    "会员希望分享海报时能领取积分",
    "Please export orders before renewal; the coupon console fails.",
    "晚上太亮了，想要夜间模式",
    "领取优惠失败",
    "cafe exports",
    "完全无关的一句话",
]


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def requirements(ctx):
    rng = random.Random(4)
    out = []
    for i in range(40):
        words = rng.sample(WORDS, rng.randint(1, 5))
        title, description = "".join(words[:2]), " ".join(words[2:])
        out.append(requirement_create(ctx=ctx, title=f"{title} {i}", description=description))
    return out


def counted_over_all(workspace, text: str, limit: int = 5) -> list[tuple[int, int]]:
    """(number, shared) of the best requirements when every one is checked with the index."""
    terms = selectors._key_terms(text)
    scored = []
    for r in Requirement.objects.for_workspace(workspace):
        one = Requirement.objects.filter(pk=r.pk)
        shared = sum(fts_filter(one, t).exists() for t in terms)
        if shared:
            scored.append((r.number, shared))
    scored.sort(key=lambda pair: (-pair[1], -pair[0]))
    return scored[:limit]


@pytest.mark.parametrize("text", FEEDBACK)
def test_small_workspace_gets_the_exhaustive_answer(ctx, requirements, text):
    found = selectors.similar_requirements(ctx.workspace, text)
    assert [(r.number, r.shared) for r in found] == counted_over_all(ctx.workspace, text)


def test_found_and_most_shared_first(ctx, requirements):
    found = selectors.similar_requirements(ctx.workspace, FEEDBACK[0], limit=10)
    assert found and found[0].shared >= 2
    assert [r.shared for r in found] == sorted((r.shared for r in found), reverse=True)
    assert selectors.similar_requirements(ctx.workspace, "完全无关的一句话") == []
    assert selectors.similar_requirements(ctx.workspace, "的 了 1 2") == []


def test_reads_a_bounded_number_of_candidates(ctx, requirements, monkeypatch):
    """More matches than candidates: still a fixed number of queries, and the answer is the best
    of the newest candidates."""
    monkeypatch.setattr(selectors, "SIMILAR_CANDIDATES", 6)
    with CaptureQueriesContext(connection) as captured:
        found = selectors.similar_requirements(ctx.workspace, FEEDBACK[0], limit=3)
    assert len(captured) <= 3
    assert len(found) == 3 and all(r.shared >= 2 for r in found)
    newest_sharing_two = sorted(
        (n for n, shared in counted_over_all(ctx.workspace, FEEDBACK[0], 40) if shared >= 2),
        reverse=True,
    )[:6]
    assert {r.number for r in found} <= set(newest_sharing_two)


def test_query_count_does_not_grow_with_the_workspace(ctx, requirements):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.similar_requirements(ctx.workspace, FEEDBACK[1])
        return len(captured)

    before = queries()
    for i in range(30):
        requirement_create(ctx=ctx, title=f"会员积分海报 {i}")
    assert queries() == before
