"""Reads of responsibilities: the matrix of one work item, the owner line, the workspace report.

Each read is a fixed number of queries however many items, activities and people there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Subquery

from truce.accounts.models import Side
from truce.accounts.selectors import members_of
from truce.domain import raci
from truce.domain.raci import Letter
from truce.requirements.models import Requirement
from truce.responsibilities.models import Activity, Assignment, Row, row_etag
from truce.responsibilities.services import activities_for

LETTERS = ("R", "A", "C", "I")
REPORT_LIMIT = 100  # rows per section; the counts say how many there are in all
EXAMPLES = 20  # requirements shown per side of an overlap


@dataclass
class MatrixRow:
    """One activity row as the page shows it: a letter per member column, in column order."""

    activity: Activity
    version: int
    letters: dict[int, str]
    cells: list[tuple] = field(default_factory=list)
    error: str = ""
    stale: bool = False
    saved: bool = False

    @property
    def etag(self) -> str:
        return row_etag(self.activity.pk, self.version)

    @property
    def is_gap(self) -> bool:
        return "A" not in self.letters.values()


def _rows_of(requirement: Requirement, activities: list[Activity]) -> dict[int, tuple[int, dict]]:
    """activity id -> (version, {member id: letter}) in one query."""
    out: dict[int, tuple[int, dict]] = {}
    rows = Row.objects.filter(requirement=requirement, activity__in=activities)
    for activity_id, version, member_id, letter in rows.values_list(
        "activity_id", "version", "assignments__member_id", "assignments__letter"
    ):
        _, letters = out.setdefault(activity_id, (version, {}))
        if member_id is not None:
            letters[member_id] = letter
    return out


def matrix_row(requirement: Requirement, activity: Activity, members: list) -> MatrixRow:
    version, letters = _rows_of(requirement, [activity]).get(activity.pk, (0, {}))
    return with_cells(MatrixRow(activity, version, letters), members)


def with_cells(row: MatrixRow, members: list) -> MatrixRow:
    row.cells = [(m, row.letters.get(m.pk, "")) for m in members]
    return row


def matrix(workspace, requirement: Requirement) -> dict:
    """Rows (activities) × columns (members) of ``requirement``: three queries."""
    activities = activities_for(workspace)
    members = list(members_of(workspace))
    saved = _rows_of(requirement, activities)
    rows = [with_cells(MatrixRow(a, *saved.get(a.pk, (0, {}))), members) for a in activities]
    return {"activities": activities, "members": members, "rows": rows, "letters": LETTERS}


def owner_line(requirement: Requirement) -> list[Assignment]:
    """The Accountable of every activity that has one, in template order (one query)."""
    return list(
        Assignment.objects.filter(row__requirement=requirement, letter="A")
        .select_related("row__activity", "member__user")
        .order_by("row__activity__position", "row__activity_id")
    )


@dataclass
class OverlapRow:
    """An activity both sides are Accountable for: the first requirements of each side by
    number (``EXAMPLES`` at most) and how many there are in all."""

    activity: Activity
    product: list
    operations: list
    product_count: int
    operations_count: int

    def __iter__(self):  # (activity, product, operations), as callers unpack it
        return iter((self.activity, self.product, self.operations))


def _accountables(workspace):
    """The Accountable cell of every row of a requirement that is not rejected."""
    return Assignment.objects.filter(row__workspace=workspace, letter=Letter.ACCOUNTABLE).exclude(
        row__requirement__status=Requirement.Status.REJECTED
    )


def _open_requirements(workspace):
    # the open statuses by name rather than "not closed", so the status index answers
    opened = [s for s in Requirement.Status.values if s not in _CLOSED]
    return Requirement.objects.filter(workspace=workspace, status__in=opened)


def _gaps(workspace, activities: list[Activity]) -> tuple[int, list]:
    """How many open requirements miss an Accountable somewhere, and the first REPORT_LIMIT
    of them by number with the activities they miss: three queries. A requirement nobody
    has touched is a gap like any other, so this counts requirements rather than loading them:
    the fully owned ones are few and come from the Accountable cells."""
    if not activities:
        return 0, []
    fully_owned = (
        Assignment.objects.filter(
            row__workspace=workspace, letter=Letter.ACCOUNTABLE, row__activity__in=activities
        )
        .order_by()
        .values("row__requirement")
        .annotate(owned=Count("pk"))
        .filter(owned=len(activities))
        .values("row__requirement")
    )
    gapped = _open_requirements(workspace).exclude(pk__in=Subquery(fully_owned))
    count = gapped.count()
    first = list(gapped.order_by("number").only("id", "number", "title", "status")[:REPORT_LIMIT])
    owned: dict[int, set[int]] = {r.pk: set() for r in first}
    for req_id, activity_id in Assignment.objects.filter(
        letter=Letter.ACCOUNTABLE, row__requirement__in=first
    ).values_list("row__requirement_id", "row__activity_id"):
        owned[req_id].add(activity_id)
    return count, [(r, [a for a in activities if a.pk not in owned[r.pk]]) for r in first]


def _owned_items(workspace) -> list[raci.Item]:
    """The requirements (not rejected) that have an Accountable somewhere, as the domain's
    items with their Accountable cells only (all the report's rules look at): one query.
    A requirement without any is a gap everywhere and nothing else, so it is counted by
    ``_gaps`` instead of being loaded; what is loaded grows with the RACI filled in, not with
    the size of the pool."""
    cells = (
        _accountables(workspace)
        .order_by("row__requirement__number")
        .values_list(
            "row__requirement_id",
            "row__requirement__status",
            "row__activity__key",
            "member_id",
            "member__side",
        )
    )
    items: list[raci.Item] = []
    for req_id, status, key, member_id, side in cells:
        if not items or items[-1].ref != str(req_id):
            items.append(raci.Item(str(req_id), status, status not in _CLOSED, {}))
        items[-1].rows[key] = (raci.Assignment(str(member_id), side, Letter.ACCOUNTABLE),)
    return items


def overlaps(workspace, activities: list[Activity] | None = None) -> list[OverlapRow]:
    """Activities whose Accountable is on the product side for some requirements and on the
    operations side for others, in template order, with the first EXAMPLES requirements of
    each side by number: two queries (three with the template)."""
    activities = activities_for(workspace) if activities is None else activities
    found = raci.find_overlaps(_owned_items(workspace), [a.key for a in activities])
    return _overlap_rows(found, {a.key: a for a in activities})


def _overlap_rows(found, by_key: dict) -> list[OverlapRow]:
    shown = [
        (o, o.product_items[:EXAMPLES], o.operations_items[:EXAMPLES]) for o in found
    ]  # items come in requirement number order
    reqs = _requirements({int(i) for _, p, q in shown for i in (*p, *q)})
    return [
        OverlapRow(
            by_key[o.activity],
            [reqs[int(i)] for i in product],
            [reqs[int(i)] for i in operations],
            len(o.product_items),
            len(o.operations_items),
        )
        for o, product, operations in shown
    ]


def _requirements(ids: set[int]) -> dict[int, Requirement]:
    if not ids:
        return {}
    return Requirement.objects.only("id", "number", "title", "status").in_bulk(list(ids))


def workspace_report(workspace, threshold: int = raci.OVERLOAD_THRESHOLD) -> dict:
    """Gaps, overlaps, overloaded people and hand-offs of the workspace's requirements.

    The rules are ``truce.domain.raci``'s, applied to the requirements that have an
    Accountable somewhere; gaps are counted by the database, since a requirement nobody has
    touched is one (a test checks the result against the rules on whole random workspaces).
    A fixed number of queries: at 100k requirements it reads the Accountable cells and the
    first rows of each section, not every requirement.
    """
    activities = activities_for(workspace)
    keys = [a.key for a in activities]
    by_key = {a.key: a for a in activities}
    members = {str(m.pk): m for m in members_of(workspace)}
    gap_count, gaps = _gaps(workspace, activities)
    items = _owned_items(workspace)
    overlapping = raci.find_overlaps(items, keys)
    handoffs = raci.find_handoffs(items, keys)
    reqs = _requirements({int(h.item) for h in handoffs[:REPORT_LIMIT]})
    return {
        "threshold": threshold,
        "gap_count": gap_count,
        "gaps": gaps,
        "overlaps": _overlap_rows(overlapping, by_key),
        "overloaded": [
            (members.get(x.person), x.accountable) for x in raci.find_overloaded(items, threshold)
        ],
        "handoffs": [
            {
                "req": reqs[int(h.item)],
                "first": by_key[h.from_activity],
                "second": by_key[h.to_activity],
                "from_side": Side(h.from_side),
                "to_side": Side(h.to_side),
            }
            for h in handoffs[:REPORT_LIMIT]
        ],
        "handoff_count": len(handoffs),
    }


_CLOSED = {
    Requirement.Status.RELEASED,
    Requirement.Status.REVIEWED,
    Requirement.Status.REJECTED,
}
