"""Reads of responsibilities: the matrix of one work item, the owner line, the workspace report.

Each read is a fixed number of queries however many items, activities and people there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Subquery, Window
from django.db.models.functions import Lag, RowNumber

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
    return Requirement.objects.filter(workspace=workspace).exclude(status__in=_CLOSED)


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


def overlaps(workspace, activities: list[Activity] | None = None) -> list[OverlapRow]:
    """Activities whose Accountable is on the product side for some requirements and on the
    operations side for others, in template order: one query (two with the template). The
    database ranks each activity-and-side's requirements by number and counts them."""
    activities = activities_for(workspace) if activities is None else activities
    by_side = [F("row__activity_id"), F("member__side")]
    ranked = (
        _accountables(workspace)
        .filter(row__activity__in=activities, member__side__in=[Side.PRODUCT, Side.OPERATIONS])
        .annotate(
            rank=Window(RowNumber(), partition_by=by_side, order_by="row__requirement__number"),
            total=Window(Count("pk"), partition_by=by_side),
        )
        .filter(rank__lte=EXAMPLES)
        .select_related("row__requirement", "member")
        .only(
            "row__activity_id",
            "member__side",
            "row__requirement__number",
            "row__requirement__title",
            "row__requirement__status",
        )
    )
    examples: dict[tuple[int, str], list] = {}
    totals: dict[tuple[int, str], int] = {}
    for cell in ranked:
        key = (cell.row.activity_id, cell.member.side)
        examples.setdefault(key, []).append(cell.row.requirement)
        totals[key] = cell.total
    return [
        OverlapRow(
            a,
            sorted(examples[a.pk, Side.PRODUCT], key=lambda r: r.number),
            sorted(examples[a.pk, Side.OPERATIONS], key=lambda r: r.number),
            totals[a.pk, Side.PRODUCT],
            totals[a.pk, Side.OPERATIONS],
        )
        for a in activities
        if (a.pk, Side.PRODUCT) in totals and (a.pk, Side.OPERATIONS) in totals
    ]


def _overloaded(workspace, threshold: int, members: dict) -> list[tuple]:
    """People Accountable for more than ``threshold`` activities of open requirements, most
    first (one query)."""
    loads = (
        _accountables(workspace)
        .exclude(row__requirement__status__in=_CLOSED)
        .order_by()
        .values_list("member_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=threshold)
    )
    ranked = sorted(loads, key=lambda x: (-x[1], str(x[0])))
    return [(members.get(member_id), n) for member_id, n in ranked]


def _handoffs(workspace, activities: list[Activity]) -> tuple[int, list[dict]]:
    """Within each requirement, in template order, an owned activity whose Accountable is on
    another side than the previous owned activity's: how many, and the first REPORT_LIMIT by
    requirement number (two queries; the database pairs consecutive cells)."""
    if len(activities) < 2:
        return 0, []
    in_order = [F("row__activity__position").asc(), F("row__activity_id").asc()]
    by_requirement = {"partition_by": [F("row__requirement_id")], "order_by": in_order}
    changes = (
        _accountables(workspace)
        .filter(row__activity__in=activities)
        .annotate(
            previous_side=Window(Lag("member__side"), **by_requirement),
            previous_activity=Window(Lag("row__activity_id"), **by_requirement),
        )
        .filter(previous_side__isnull=False)
        .exclude(previous_side=F("member__side"))
    )
    count = changes.count()
    by_pk = {a.pk: a for a in activities}
    first = (
        changes.select_related("row__requirement", "member")
        .only(
            "row__activity_id",
            "member__side",
            "row__requirement__number",
            "row__requirement__title",
            "row__requirement__status",
        )
        .order_by("row__requirement__number", "row__activity__position", "row__activity_id")[
            :REPORT_LIMIT
        ]
    )
    return count, [
        {
            "req": cell.row.requirement,
            "first": by_pk[cell.previous_activity],
            "second": by_pk[cell.row.activity_id],
            "from_side": Side(cell.previous_side),
            "to_side": Side(cell.member.side),
        }
        for cell in first
    ]


def workspace_report(workspace, threshold: int = raci.OVERLOAD_THRESHOLD) -> dict:
    """Gaps, overlaps, overloaded people and hand-offs of the workspace's requirements.

    The rules are ``truce.domain.raci.report``'s (a test checks that both agree on random
    workspaces); here the database counts and pairs the cells, so the report costs a fixed
    number of queries and no Python work per requirement: at 100k requirements it loads the
    Accountable cells' aggregates and the first rows of each section, not every requirement.
    """
    activities = activities_for(workspace)
    members = {m.pk: m for m in members_of(workspace)}
    gap_count, gaps = _gaps(workspace, activities)
    handoff_count, handoffs = _handoffs(workspace, activities)
    return {
        "threshold": threshold,
        "gap_count": gap_count,
        "gaps": gaps,
        "overlaps": overlaps(workspace, activities),
        "overloaded": _overloaded(workspace, threshold, members),
        "handoffs": handoffs,
        "handoff_count": handoff_count,
    }


_CLOSED = {
    Requirement.Status.RELEASED,
    Requirement.Status.REVIEWED,
    Requirement.Status.REJECTED,
}
