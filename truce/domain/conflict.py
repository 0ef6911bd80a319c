"""Conflict records: when the sides disagree, the disagreement is written down, argued with
evidence, escalated when needed, and ends in a decision.

Pure Python (no Django). The rules, in words:

- Status: open → discussing → escalated → decided. "open" and "discussing" may be escalated;
  any unresolved conflict may be decided, and deciding needs a decision record (a conflict
  never just disappears). A decided conflict stays decided: if the issue comes back, that is
  a new conflict (the old one and its decision remain on record).
- Sources: conflicts open by hand or automatically from contested scores, over-committed
  pools, RACI overlaps and launch date clashes. An automatic conflict has a *key* naming its
  cause (``contested:requirement:12``); while a conflict with that key is unresolved, the same
  cause does not open another one.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    DISCUSSING = "discussing"
    ESCALATED = "escalated"
    DECIDED = "decided"


class Source(StrEnum):
    MANUAL = "manual"
    CONTESTED = "contested"
    OVERCOMMITTED = "overcommitted"
    RACI_OVERLAP = "raci_overlap"
    LAUNCH_CLASH = "launch_clash"


UNRESOLVED = frozenset({Status.OPEN, Status.DISCUSSING, Status.ESCALATED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.DISCUSSING, Status.ESCALATED, Status.DECIDED}),
    Status.DISCUSSING: frozenset({Status.ESCALATED, Status.DECIDED}),
    Status.ESCALATED: frozenset({Status.DISCUSSING, Status.DECIDED}),
    Status.DECIDED: frozenset(),
}


def can_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def move_problem(current: str, target: str, *, has_decision: bool) -> str | None:
    """Why the move is refused ("not_allowed", "decision_required"), or None."""
    if not can_move(current, target):
        return "not_allowed"
    if Status(target) == Status.DECIDED and not has_decision:
        return "decision_required"
    return None


def key(source: str, *parts: object) -> str:
    """The cause of an automatic conflict, e.g. ``key("contested", "requirement", 12)``."""
    if Source(source) == Source.MANUAL:
        return ""
    return ":".join([str(Source(source)), *(str(p) for p in parts)])
