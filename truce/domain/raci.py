"""Responsibilities (RACI): who is Responsible, Accountable, Consulted, Informed for each activity.

A work item (a requirement now; campaigns and launches later) has one *row* per activity of its
work type's template. A row lists people with one letter each. The rules:

- exactly one Accountable (A) per row, and at least one Responsible (R);
- one letter per person per row (a cell of the matrix holds one letter);
- a row with nobody at all is allowed: that is a *gap*, reported rather than refused, because
  a matrix is filled in over days and refusing half-filled matrices would only lead people to
  put anyone in to get past the check.

So the rules apply to a whole row at once (``check_row``); saving one cell at a time could never
satisfy "one A and at least one R" on the way.

The workspace report (``report``) finds

- gaps: activities of open items without an Accountable;
- overlaps: one activity template whose Accountable is on the product side for some items and
  on the operations side for others — both sides claim that kind of work;
- overloaded people: more Accountables on open items than the threshold (default 8);
- hand-offs: within one item, in template order, an activity whose Accountable is on one side
  followed by the next activity that has an Accountable on the other side (发布 → 推广).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

OVERLOAD_THRESHOLD = 8


class Letter(StrEnum):
    RESPONSIBLE = "R"
    ACCOUNTABLE = "A"
    CONSULTED = "C"
    INFORMED = "I"


class WorkType(StrEnum):
    FEATURE = "feature"
    CAMPAIGN = "campaign"
    LAUNCH = "launch"


LETTERS = frozenset(x.value for x in Letter)
PRODUCT, OPERATIONS = "product", "operations"


@dataclass(frozen=True)
class ActivityDefault:
    """One activity of a template with the letters each side usually holds."""

    key: str
    name: str
    name_zh: str
    product: str  # letters, e.g. "AR"
    operations: str


def _a(key: str, name: str, name_zh: str, product: str, operations: str) -> ActivityDefault:
    return ActivityDefault(key, name, name_zh, product, operations)


_REVIEW = _a("requirement_review", "Requirement review", "需求评审", "AR", "C")
_DESIGN = _a("interaction_design", "Interaction design", "交互设计", "AR", "C")
_BUILD = _a("development", "Development", "开发", "AR", "I")
_TEST = _a("testing", "Testing", "测试", "AR", "I")
_RELEASE = _a("release", "Release", "发布", "AR", "I")
_PROMOTE = _a("promotion", "Promotion", "推广", "C", "AR")
_TALK = _a("user_communication", "User communication", "用户沟通", "C", "AR")
_DATA = _a("data_review", "Data review", "数据复盘", "AR", "R")

DEFAULT_TEMPLATES: dict[WorkType, tuple[ActivityDefault, ...]] = {
    WorkType.FEATURE: (_REVIEW, _DESIGN, _BUILD, _TEST, _RELEASE, _PROMOTE, _TALK, _DATA),
    WorkType.CAMPAIGN: (
        _a("campaign_planning", "Campaign planning", "活动策划", "C", "AR"),
        _a("creative", "Creative and copy", "素材文案", "I", "AR"),
        _a("tech_support", "Technical support", "技术支持", "AR", "C"),
        _PROMOTE,
        _TALK,
        _a("data_review", "Data review", "数据复盘", "C", "AR"),
    ),
    WorkType.LAUNCH: (
        _a("go_no_go", "Go/no-go review", "上线评审", "AR", "C"),
        _RELEASE,
        _PROMOTE,
        _TALK,
        _DATA,
    ),
}


@dataclass(frozen=True)
class Assignment:
    """One cell: a person (any stable id), their side and their letter."""

    person: str
    side: str
    letter: str


class Problem(StrEnum):
    UNKNOWN_LETTER = "unknown_letter"
    TWO_LETTERS = "two_letters"
    NO_ACCOUNTABLE = "no_accountable"
    MANY_ACCOUNTABLE = "many_accountable"
    NO_RESPONSIBLE = "no_responsible"


def check_row(assignments: Iterable[Assignment]) -> list[Problem]:
    """What is wrong with one activity row; ``[]`` when it may be saved. Empty rows pass."""
    cells = list(assignments)
    if not cells:
        return []
    problems = []
    if any(c.letter not in LETTERS for c in cells):
        problems.append(Problem.UNKNOWN_LETTER)
    if len({c.person for c in cells}) != len(cells):
        problems.append(Problem.TWO_LETTERS)
    accountable = sum(c.letter == Letter.ACCOUNTABLE for c in cells)
    if accountable == 0:
        problems.append(Problem.NO_ACCOUNTABLE)
    elif accountable > 1:
        problems.append(Problem.MANY_ACCOUNTABLE)
    if not any(c.letter == Letter.RESPONSIBLE for c in cells):
        problems.append(Problem.NO_RESPONSIBLE)
    return problems


def accountable(assignments: Iterable[Assignment]) -> Assignment | None:
    return next((c for c in assignments if c.letter == Letter.ACCOUNTABLE), None)


@dataclass(frozen=True)
class Item:
    """A work item as the report sees it: rows by activity key, in any order."""

    ref: str
    status: str
    is_open: bool
    rows: Mapping[str, tuple[Assignment, ...]]


@dataclass(frozen=True)
class Gap:
    item: str
    activities: tuple[str, ...]


@dataclass(frozen=True)
class Overlap:
    activity: str
    product_items: tuple[str, ...]
    operations_items: tuple[str, ...]


@dataclass(frozen=True)
class Load:
    person: str
    side: str
    accountable: int


@dataclass(frozen=True)
class Handoff:
    item: str
    status: str
    from_activity: str
    to_activity: str
    from_side: str
    to_side: str


@dataclass(frozen=True)
class Report:
    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    overloaded: tuple[Load, ...]
    handoffs: tuple[Handoff, ...]


def find_gaps(items: Iterable[Item], activities: list[str]) -> list[Gap]:
    out = []
    for item in items:
        if not item.is_open:
            continue
        missing = tuple(a for a in activities if accountable(item.rows.get(a, ())) is None)
        if missing:
            out.append(Gap(item.ref, missing))
    return out


def find_overlaps(items: Iterable[Item], activities: list[str]) -> list[Overlap]:
    claims: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        for activity, cells in item.rows.items():
            owner = accountable(cells)
            if owner is not None:
                claims[activity][owner.side].append(item.ref)
    return [
        Overlap(a, tuple(claims[a][PRODUCT]), tuple(claims[a][OPERATIONS]))
        for a in activities
        if claims[a][PRODUCT] and claims[a][OPERATIONS]
    ]


def find_overloaded(items: Iterable[Item], threshold: int = OVERLOAD_THRESHOLD) -> list[Load]:
    """People Accountable for more than ``threshold`` activities of open items, most first."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        if not item.is_open:
            continue
        for cells in item.rows.values():
            owner = accountable(cells)
            if owner is not None:
                counts[owner.person, owner.side] += 1
    loads = [Load(p, s, n) for (p, s), n in counts.items() if n > threshold]
    return sorted(loads, key=lambda x: (-x.accountable, x.person))


def find_handoffs(items: Iterable[Item], activities: list[str]) -> list[Handoff]:
    """Side changes of the Accountable between consecutive owned activities of each item;
    activities without an Accountable are skipped (they are gaps, reported separately)."""
    out = []
    for item in items:
        owned = [(a, owner) for a in activities if (owner := accountable(item.rows.get(a, ())))]
        for (a, first), (b, second) in pairwise(owned):
            if first.side != second.side:
                out.append(Handoff(item.ref, item.status, a, b, first.side, second.side))
    return out


def report(
    items: Iterable[Item], activities: list[str], threshold: int = OVERLOAD_THRESHOLD
) -> Report:
    """Everything the workspace report shows; ``activities`` is the template order."""
    items = list(items)
    return Report(
        gaps=tuple(find_gaps(items, activities)),
        overlaps=tuple(find_overlaps(items, activities)),
        overloaded=tuple(find_overloaded(items, threshold)),
        handoffs=tuple(find_handoffs(items, activities)),
    )
