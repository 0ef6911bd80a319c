from __future__ import annotations

import pytest

from truce.domain.optimiser import Item, Pool, Problem, explain, solve

TEAM = ("team", "q1")


def work(item_id: str, effort: float, **values: float) -> Item:
    return Item(id=item_id, usage={TEAM: effort}, **values)


def problem(**extra: object) -> Problem:
    items = (
        work("feature", 5, product=10),
        work("ops", 4, operations=6),
        work("polish", 3, product=2),
        work("dash", 2, product=1),
    )
    return Problem(items=items, pools=(Pool("team", {"q1": 10}),), **extra)


def test_excluded_item_lists_what_it_would_displace_and_extra_capacity() -> None:
    p = problem()
    plan = solve(p)
    assert plan.selected == ("feature", "ops")
    why = explain(p, plan, "polish")
    assert not why.included and why.blocked_by == ()
    assert why.extra_capacity == {TEAM: 2}
    assert why.alternative is not None and "polish" in why.alternative.selected
    assert why.displaced == ("ops",)
    assert why.value_change["operations"] == -6
    assert why.objective_change == pytest.approx(-3)


def test_included_item_shows_what_it_costs_the_other_side() -> None:
    p = problem()
    plan = solve(p)
    why = explain(p, plan, "feature")
    assert why.included
    assert why.value_change["product"] < 0
    assert set(why.added) >= {"polish"}
    assert "feature" in why.displaced


def test_excluded_item_blocked_by_exclusion_and_rivals() -> None:
    p = problem(excluded=frozenset({"dash"}), exclusive_groups=(frozenset({"ops", "polish"}),))
    plan = solve(p)
    assert explain(p, plan, "dash").blocked_by == ("excluded: dash",)
    assert explain(p, plan, "dash").alternative is None
    rival = explain(p, plan, "polish")
    assert rival.blocked_by == ("exclusive with ops",)
    assert rival.alternative is not None and "ops" in rival.displaced


def test_missing_prerequisites_are_part_of_the_bundle() -> None:
    items = (
        work("base", 4),
        Item("top", product=3, usage={TEAM: 4}, requires=("base",)),
        work("other", 6, product=5),
    )
    p = Problem(items=items, pools=(Pool("team", {"q1": 6}),))
    plan = solve(p)
    why = explain(p, plan, "top")
    assert why.bundle == ("base", "top")
    assert why.extra_capacity == {TEAM: 8}


def test_mandatory_item_cannot_be_dropped() -> None:
    p = problem(mandatory=frozenset({"dash"}))
    why = explain(p, solve(p), "dash")
    assert why.blocked_by == ("mandatory",) and why.alternative is None


def test_unknown_item() -> None:
    p = problem()
    with pytest.raises(KeyError):
        explain(p, solve(p), "ghost")
