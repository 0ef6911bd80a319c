"""Reads of the requirements pool, shared by the list page, the board and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from truce.core.history import history_of
from truce.requirements.models import Requirement, Status, Tag

SORTS = {
    "newest": ["-number"],
    "oldest": ["number"],
    "priority": ["-priority", "-number"],
    "demand": ["-demand_value", "-number"],
    "updated": ["-updated_at"],
    "title": ["title", "number"],
}


@dataclass(frozen=True)
class RequirementFilter:
    """What a list asks for; empty values mean "any"."""

    status: tuple[str, ...] = ()
    owner: int | None = None
    tag: str = ""
    side: str = ""
    segment: str = ""
    contested: bool | None = None
    q: str = ""
    sort: str = "newest"
    unassigned: bool = False
    extra: dict = field(default_factory=dict)


def filter_requirements(workspace, f: RequirementFilter) -> QuerySet[Requirement]:
    qs = Requirement.objects.filter(workspace=workspace)
    if f.status:
        qs = qs.filter(status__in=[s for s in f.status if s in Status.values])
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.unassigned:
        qs = qs.filter(owner__isnull=True)
    if f.tag:
        qs = qs.filter(tags__workspace=workspace, tags__name=f.tag)
    if f.side:
        qs = qs.filter(origin_side=f.side)
    if f.segment:
        qs = qs.filter(top_segment=f.segment)
    if f.contested is not None:
        qs = qs.filter(contested=f.contested)
    if f.q:
        from truce.requirements.search import search_requirements

        qs = search_requirements(qs, workspace, f.q)
    return qs.order_by(*SORTS.get(f.sort, SORTS["newest"]))


def with_list_relations(qs: QuerySet[Requirement]) -> QuerySet[Requirement]:
    """What a list row shows, in a fixed number of queries however many rows."""
    return qs.select_related("owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def requirement_detail(requirement: Requirement) -> dict:
    return {
        "prerequisites": list(requirement.prerequisites.only("id", "number", "title", "status")),
        "dependents": list(requirement.dependents.only("id", "number", "title", "status")),
        "children": list(requirement.children.only("id", "number", "title", "status")),
        "tags": [t.name for t in requirement.tags.all()],
        "history": list(history_of(requirement, limit=50)),
    }


BOARD_LIMIT = 50


def board_columns(workspace, q: str = "") -> list[dict]:
    """Each status column with its count and top cards by priority, in two queries."""
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber

    from truce.domain.workflow import BOARD_ORDER

    base = Requirement.objects.filter(workspace=workspace)
    if q:
        from truce.requirements.search import search_requirements

        base = search_requirements(base, workspace, q)
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    ranked = (
        base.select_related("owner")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("status")],
                order_by=[F("priority").desc(nulls_last=True), F("number").desc()],
            )
        )
        .filter(rank__lte=BOARD_LIMIT)
        .order_by("status", "rank")
    )
    by_status: dict[str, list] = {}
    for r in ranked:
        by_status.setdefault(r.status, []).append(r)
    return [
        {
            "status": s.value,
            "label": Status(s.value).label,
            "count": counts.get(s.value, 0),
            "cards": by_status.get(s.value, []),
            "targets": (),
        }
        for s in BOARD_ORDER
    ]
