"""RACI rules and the workspace report, without a database."""

from __future__ import annotations

from truce.domain import raci
from truce.domain.raci import Assignment, Item, Problem

P, OPS = "product", "operations"


def cell(person, letter, side=P):
    return Assignment(person, side, letter)


def item(ref, rows, status="in_progress", is_open=True):
    return Item(ref, status, is_open, {k: tuple(v) for k, v in rows.items()})


def test_a_row_needs_exactly_one_accountable_and_a_responsible():
    assert raci.check_row([cell("alice", "A"), cell("bob", "R"), cell("olivia", "I", OPS)]) == []
    assert raci.check_row([cell("alice", "R")]) == [Problem.NO_ACCOUNTABLE]
    assert raci.check_row([cell("alice", "A"), cell("olivia", "A", OPS), cell("b", "R")]) == [
        Problem.MANY_ACCOUNTABLE
    ]
    assert raci.check_row([cell("alice", "A"), cell("olivia", "C", OPS)]) == [
        Problem.NO_RESPONSIBLE
    ]


def test_the_accountable_may_also_do_the_work_but_not_hold_two_letters():
    assert Problem.TWO_LETTERS in raci.check_row([cell("alice", "A"), cell("alice", "R")])


def test_an_empty_row_is_a_gap_not_an_error():
    assert raci.check_row([]) == []


def test_unknown_letters_are_refused():
    assert Problem.UNKNOWN_LETTER in raci.check_row([cell("alice", "X"), cell("b", "A")])


def test_every_template_has_one_usual_accountable_side_per_activity():
    for activities in raci.DEFAULT_TEMPLATES.values():
        keys = [a.key for a in activities]
        assert len(keys) == len(set(keys))
        for a in activities:
            assert (a.product + a.operations).count("A") == 1, a.key
            assert "R" in a.product + a.operations, a.key
    names = [a.name_zh for a in raci.DEFAULT_TEMPLATES[raci.WorkType.FEATURE]]
    assert names[:3] == ["需求评审", "交互设计", "开发"] and "推广" in names and "数据复盘" in names


def test_gaps_are_activities_of_open_items_without_accountable():
    items = [
        item("1", {"build": [cell("alice", "A"), cell("alice2", "R")]}),
        item("2", {}, status="released", is_open=False),
    ]
    gaps = raci.find_gaps(items, ["build", "promote"])
    assert gaps == [raci.Gap("1", ("promote",))]


def test_overlap_when_both_sides_are_accountable_for_one_activity_across_items():
    items = [
        item("1", {"promote": [cell("olivia", "A", OPS)]}),
        item("2", {"promote": [cell("alice", "A", P)]}),
        item("3", {"build": [cell("alice", "A", P)]}),
    ]
    assert raci.find_overlaps(items, ["build", "promote"]) == [
        raci.Overlap("promote", ("2",), ("1",))
    ]


def test_overloaded_counts_accountables_on_open_items_above_the_threshold():
    items = [item(str(i), {"build": [cell("alice", "A")]}) for i in range(3)]
    items.append(item("x", {"build": [cell("alice", "A")]}, is_open=False))
    assert raci.find_overloaded(items, threshold=2) == [raci.Load("alice", P, 3)]
    assert raci.find_overloaded(items, threshold=3) == []
    assert raci.OVERLOAD_THRESHOLD == 8


def test_handoffs_follow_template_order_and_skip_unowned_activities():
    rows = {
        "release": [cell("alice", "A")],
        "promote": [cell("olivia", "A", OPS)],
        "data": [cell("alice", "A")],
    }
    handoffs = raci.find_handoffs([item("1", rows)], ["release", "talk", "promote", "data"])
    assert [(h.from_activity, h.to_activity, h.from_side, h.to_side) for h in handoffs] == [
        ("release", "promote", P, OPS),
        ("promote", "data", OPS, P),
    ]
    assert handoffs[0].status == "in_progress"


def test_report_bundles_all_four():
    result = raci.report([item("1", {})], ["build"], threshold=1)
    assert result.gaps and not result.overlaps and not result.overloaded and not result.handoffs
