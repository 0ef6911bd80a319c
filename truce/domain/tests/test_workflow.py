from itertools import pairwise

import pytest

from truce.domain.workflow import (
    BOARD_ORDER,
    TRANSITIONS,
    Status,
    allowed_targets,
    can_move,
    find_cycle,
)


def test_every_status_has_a_rule_and_a_board_column():
    assert set(TRANSITIONS) == set(Status) == set(BOARD_ORDER)


def test_delivery_path_is_allowed_step_by_step():
    path = [
        "proposed",
        "under_review",
        "accepted",
        "scheduled",
        "in_progress",
        "released",
        "reviewed",
    ]
    for current, target in pairwise(path):
        assert can_move(current, target), (current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("proposed", "released"),
        ("released", "in_progress"),
        ("reviewed", "proposed"),
        ("rejected", "accepted"),
        ("scheduled", "scheduled"),
    ],
)
def test_shortcuts_and_rewinds_are_refused(current, target):
    assert not can_move(current, target)


def test_allowed_targets_follow_board_order():
    assert allowed_targets("accepted") == (
        Status.UNDER_REVIEW,
        Status.SCHEDULED,
        Status.ON_HOLD,
        Status.REJECTED,
    )


def test_unknown_status_is_an_error():
    with pytest.raises(ValueError):
        can_move("proposed", "shipped")


def test_cycle_detection_returns_the_loop():
    edges = {1: {2}, 2: {3}, 3: set()}  # 1 needs 2, 2 needs 3
    assert find_cycle(edges, start=3, new_prereq=1) == [3, 1, 2, 3]
    assert find_cycle(edges, start=1, new_prereq=3) is None
    assert find_cycle(edges, start=4, new_prereq=4) == [4, 4]


def test_cycle_detection_on_a_long_chain():
    edges = {i: {i + 1} for i in range(5000)}
    cycle = find_cycle(edges, start=5000, new_prereq=0)
    assert cycle[0] == cycle[-1] == 5000 and len(cycle) == 5002
