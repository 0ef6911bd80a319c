"""The requirement status workflow: which moves are allowed, and why others are not."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PROPOSED = "proposed"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    RELEASED = "released"
    REVIEWED = "reviewed"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"


S = Status

# Forward along the delivery path, one step back where teams really do step back
# (a scheduled item can return to accepted when the plan changes), and parking/rejecting
# from anywhere before release. Released work cannot be un-released; it can only be reviewed.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.PROPOSED: frozenset({S.UNDER_REVIEW, S.REJECTED, S.ON_HOLD}),
    S.UNDER_REVIEW: frozenset({S.ACCEPTED, S.PROPOSED, S.REJECTED, S.ON_HOLD}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.UNDER_REVIEW, S.REJECTED, S.ON_HOLD}),
    S.SCHEDULED: frozenset({S.IN_PROGRESS, S.ACCEPTED, S.ON_HOLD}),
    S.IN_PROGRESS: frozenset({S.RELEASED, S.SCHEDULED, S.ON_HOLD}),
    S.RELEASED: frozenset({S.REVIEWED}),
    S.REVIEWED: frozenset(),
    S.REJECTED: frozenset({S.PROPOSED}),
    S.ON_HOLD: frozenset({S.PROPOSED, S.UNDER_REVIEW, S.ACCEPTED}),
}

BOARD_ORDER: tuple[Status, ...] = (
    S.PROPOSED,
    S.UNDER_REVIEW,
    S.ACCEPTED,
    S.SCHEDULED,
    S.IN_PROGRESS,
    S.RELEASED,
    S.REVIEWED,
    S.ON_HOLD,
    S.REJECTED,
)

OPEN_STATUSES = frozenset(BOARD_ORDER) - {S.RELEASED, S.REVIEWED, S.REJECTED}


def can_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


def allowed_targets(current: str) -> tuple[Status, ...]:
    allowed = TRANSITIONS[Status(current)]
    return tuple(s for s in BOARD_ORDER if s in allowed)


def find_cycle(edges: dict[int, set[int]], start: int, new_prereq: int) -> list[int] | None:
    """If ``start`` gains prerequisite ``new_prereq``, return the cycle it would close.

    ``edges`` maps an item to its prerequisites. A cycle exists when ``start`` is reachable
    from ``new_prereq`` by following prerequisites; the path is returned for the message.
    """
    if start == new_prereq:
        return [start, start]
    parent: dict[int, int] = {}
    stack, seen = [new_prereq], {new_prereq}
    while stack:
        node = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == start:
                chain = [node]
                while chain[-1] != new_prereq:
                    chain.append(parent[chain[-1]])
                return [start, *reversed(chain), start]
            if nxt not in seen:
                seen.add(nxt)
                parent[nxt] = node
                stack.append(nxt)
    return None
