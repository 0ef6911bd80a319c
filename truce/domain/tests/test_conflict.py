import pytest

from truce.domain import conflict


@pytest.mark.parametrize(
    ("current", "target", "has_decision", "problem"),
    [
        ("open", "discussing", False, None),
        ("open", "escalated", False, None),
        ("discussing", "escalated", False, None),
        ("escalated", "discussing", False, None),
        ("discussing", "decided", False, "decision_required"),
        ("escalated", "decided", True, None),
        ("decided", "open", True, "not_allowed"),
        ("discussing", "open", False, "not_allowed"),
    ],
)
def test_moves(current, target, has_decision, problem):
    assert conflict.move_problem(current, target, has_decision=has_decision) == problem


def test_keys_name_the_cause():
    assert conflict.key("contested", "requirement", 12) == "contested:requirement:12"
    assert conflict.key("overcommitted", "pool", 3, "2026-12-01") == (
        "overcommitted:pool:3:2026-12-01"
    )
    assert conflict.key("manual") == ""
    with pytest.raises(ValueError):
        conflict.key("gossip", 1)
