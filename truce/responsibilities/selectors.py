"""Reads of responsibilities: the matrix of one work item, the owner line, the workspace report.

Each read is a fixed number of queries however many items, activities and people there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from truce.accounts.models import Side
from truce.accounts.selectors import members_of
from truce.domain import raci
from truce.requirements.models import Requirement
from truce.responsibilities.models import Activity, Assignment, Row, row_etag
from truce.responsibilities.services import activities_for

LETTERS = ("R", "A", "C", "I")
REPORT_LIMIT = 100  # rows per section; the counts say how many there are in all


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


def _items(workspace) -> tuple[dict[int, Requirement], dict[int, dict]]:
    """Requirements (minus rejected) and their assignments by activity key: two queries."""
    reqs = {
        r.pk: r
        for r in Requirement.objects.filter(workspace=workspace)
        .exclude(status=Requirement.Status.REJECTED)
        .only("id", "number", "title", "status")
    }
    cells: dict[int, dict[str, list]] = {pk: {} for pk in reqs}
    # by join, not by an IN list of every requirement (beyond SQLite's variable limit at 100k)
    rows = (
        Assignment.objects.filter(row__workspace=workspace)
        .exclude(row__requirement__status=Requirement.Status.REJECTED)
        .values_list(
            "row__requirement_id", "row__activity__key", "member_id", "member__side", "letter"
        )
    )
    for req_id, key, member_id, side, letter in rows:
        cells[req_id].setdefault(key, []).append(raci.Assignment(str(member_id), side, letter))
    return reqs, cells


def workspace_report(workspace, threshold: int = raci.OVERLOAD_THRESHOLD) -> dict:
    """Gaps, overlaps, overloaded people and hand-offs of the workspace's requirements."""
    activities = activities_for(workspace)
    reqs, cells = _items(workspace)
    items = [
        raci.Item(
            ref=str(pk),
            status=r.status,
            is_open=r.status not in _CLOSED,
            rows={k: tuple(v) for k, v in cells[pk].items()},
        )
        for pk, r in reqs.items()
    ]
    result = raci.report(items, [a.key for a in activities], threshold)
    by_key = {a.key: a for a in activities}
    members = {str(m.pk): m for m in members_of(workspace)}
    return {
        "threshold": threshold,
        "gap_count": len(result.gaps),
        "gaps": [
            (reqs[int(g.item)], [by_key[k] for k in g.activities])
            for g in result.gaps[:REPORT_LIMIT]
        ],
        "overlaps": [
            (
                by_key[o.activity],
                sorted((reqs[int(i)] for i in o.product_items), key=lambda r: r.number),
                sorted((reqs[int(i)] for i in o.operations_items), key=lambda r: r.number),
            )
            for o in result.overlaps
        ],
        "overloaded": [(members.get(x.person), x.accountable) for x in result.overloaded],
        "handoffs": [
            {
                "req": reqs[int(h.item)],
                "first": by_key[h.from_activity],
                "second": by_key[h.to_activity],
                "from_side": Side(h.from_side),
                "to_side": Side(h.to_side),
            }
            for h in result.handoffs[:REPORT_LIMIT]
        ],
        "handoff_count": len(result.handoffs),
    }


_CLOSED = {
    Requirement.Status.RELEASED,
    Requirement.Status.REVIEWED,
    Requirement.Status.REJECTED,
}
