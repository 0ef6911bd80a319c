"""Agenda refresh keeps what people arranged: places, hand-added items; drops the resolved."""

from __future__ import annotations

import pytest

from truce.domain.agenda import Entry, Placed, merge, move, reorder


def _ids(result):
    return [item[1] if item[0] == "keep" else f"new:{item[2].key}" for item in result.order]


def test_first_generation_appends_sources_in_order():
    fresh = {"contested": [Entry("r:1", "a"), Entry("r:2", "b")], "krs": [Entry("k:1", "c")]}
    result = merge([], fresh)
    assert _ids(result) == ["new:r:1", "new:r:2", "new:k:1"] and result.drop == ()


def test_refresh_keeps_places_drops_resolved_and_slots_new_items_after_their_source():
    placed = [
        Placed(10, "krs", "k:1", 0),
        Placed(11, "manual", "", 1),
        Placed(12, "contested", "r:1", 2),
        Placed(13, "contested", "r:2", 3),
    ]
    fresh = {
        "contested": [Entry("r:2", "b", severity="warning"), Entry("r:3", "new")],
        "krs": [Entry("k:1", "c")],
        "overdue": [Entry("a:5", "late")],
    }
    result = merge(placed, fresh)
    assert result.drop == (12,)
    assert _ids(result) == [10, 11, 13, "new:r:3", "new:a:5"]
    kept = {item[1]: item[2] for item in result.order if item[0] == "keep"}
    assert kept[13].severity == "warning" and kept[11] is None  # manual items are untouched


def test_manual_items_survive_when_every_source_is_empty():
    result = merge([Placed(1, "manual", "", 0), Placed(2, "krs", "k:1", 1)], {})
    assert _ids(result) == [1] and result.drop == (2,)


def test_entries_check_side_and_severity():
    with pytest.raises(ValueError):
        Entry("x", "t", severity="urgent")
    with pytest.raises(ValueError):
        Entry("x", "t", side="sales")


def test_reorder_puts_listed_items_first_and_refuses_unknown_or_repeated():
    assert reorder([1, 2, 3, 4], [3, 1]) == [3, 1, 2, 4]
    with pytest.raises(ValueError):
        reorder([1, 2], [3])
    with pytest.raises(ValueError):
        reorder([1, 2], [1, 1])


def test_move_up_and_down_clamped_at_the_ends():
    assert move([1, 2, 3], 3, -1) == [1, 3, 2]
    assert move([1, 2, 3], 1, -1) == [1, 2, 3]
    assert move([1, 2, 3], 1, 5) == [2, 3, 1]
    with pytest.raises(ValueError):
        move([1, 2], 9, 1)
