"""Reads of the requirements pool, shared by the list page, the board and the API."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import F, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from truce.core.history import history_of
from truce.core.search import Found, fts_found
from truce.requirements.models import Requirement, Status, Tag

SORTS = {
    "newest": ["-number"],
    "oldest": ["number"],
    # Unscored (NULL) last on both databases; matches the indexes of migration 0003.
    "priority": [F("priority").desc(nulls_last=True), "-number"],
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
    qs = _narrowed(workspace, f)
    if f.q:
        from truce.requirements.search import search_requirements

        qs = search_requirements(qs, workspace, f.q)
    return qs.order_by(*SORTS.get(f.sort, SORTS["newest"]))


def list_requirements(workspace, f: RequirementFilter) -> Found:
    """``filter_requirements`` for a list read a page at a time: a search counts its matches
    only up to ``COUNT_CAP`` (see core/search.py), other filters count them all."""
    qs = _narrowed(workspace, f)
    order = SORTS.get(f.sort, SORTS["newest"])
    if f.q:
        found = fts_found(qs, f.q)
        return replace(found, rows=found.rows.order_by(*order))
    return Found(qs.order_by(*order), qs.count(), more=False)


def _narrowed(workspace, f: RequirementFilter) -> QuerySet[Requirement]:
    """Every filter but the search."""
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
    return qs


def with_list_relations(qs: QuerySet[Requirement]) -> QuerySet[Requirement]:
    """What a list row shows, in a fixed number of queries however many rows."""
    return qs.select_related("owner").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def related_requirements(requirement: Requirement) -> dict[str, list[Requirement]]:
    """Prerequisites, dependents and children in one query, classified by annotations."""
    from django.db.models import Exists, OuterRef

    through = Requirement.prerequisites.through.objects
    needs = through.filter(from_requirement=requirement, to_requirement=OuterRef("pk"))
    needed_by = through.filter(to_requirement=requirement, from_requirement=OuterRef("pk"))
    # One id list from three index lookups; an OR of IN-subqueries made PostgreSQL scan the
    # whole table (70 ms at 100k requirements).
    link_table = Requirement.prerequisites.through._meta.db_table
    linked = RawSQL(
        f"SELECT to_requirement_id FROM {link_table} WHERE from_requirement_id = %s "
        f"UNION ALL SELECT from_requirement_id FROM {link_table} WHERE to_requirement_id = %s "
        f"UNION ALL SELECT id FROM {Requirement._meta.db_table} WHERE parent_id = %s",
        [requirement.pk] * 3,
    )
    rows = (
        Requirement.objects.filter(pk__in=linked)
        .annotate(is_prereq=Exists(needs), is_dependent=Exists(needed_by))
        .only("id", "number", "title", "status", "parent_id")
        .order_by("number")
    )
    out: dict[str, list[Requirement]] = {"prerequisites": [], "dependents": [], "children": []}
    for r in rows:
        if r.is_prereq:
            out["prerequisites"].append(r)
        if r.is_dependent:
            out["dependents"].append(r)
        if r.parent_id == requirement.pk:
            out["children"].append(r)
    return out


def requirement_detail(requirement: Requirement) -> dict:
    return {
        **related_requirements(requirement),
        "tags": [t.name for t in requirement.tags.all()],
        "history": list(history_of(requirement, limit=50)),
    }


BOARD_LIMIT = 20  # per column; the list shows the rest (450 cards took 130 ms to render)


def board_columns(workspace, q: str = "") -> list[dict]:
    """Each status column with its count and top cards by priority, in two queries."""
    from truce.domain.workflow import BOARD_ORDER

    base = Requirement.objects.filter(workspace=workspace)
    if q:
        from truce.requirements.search import search_requirements

        base = search_requirements(base, workspace, q)
    if q:  # a search result is already narrow: the search runs once, ranked here
        counts, top = _ranked_matches(base)
        cards = Requirement.objects.filter(pk__in=top)
    else:
        counts = _capped_counts(base, [s.value for s in BOARD_ORDER])
        cards = base.filter(pk__in=_top_ids(base, [s.value for s in BOARD_ORDER if counts.get(s)]))
    by_status: dict[str, list] = {}
    for r in cards.select_related("owner").order_by(*SORTS["priority"]):
        by_status.setdefault(r.status, []).append(r)
    return [
        {
            "status": s.value,
            "label": Status(s.value).label,
            "count": counts.get(s.value, 0),
            "more": counts.get(s.value, 0) > BOARD_COUNT_CAP,
            "count_label": (
                f"{BOARD_COUNT_CAP}+"
                if counts.get(s.value, 0) > BOARD_COUNT_CAP
                else str(counts.get(s.value, 0))
            ),
            "cards": by_status.get(s.value, []),
            "targets": (),
        }
        for s in BOARD_ORDER
    ]


BOARD_COUNT_CAP = 999


def _ranked_matches(base: QuerySet) -> tuple[dict[str, int], list[int]]:
    """Counts per status and the ids of each status's top BOARD_LIMIT cards by priority, from
    one read of the matches (a search per status column would run the full-text match nine
    times)."""
    by_status: dict[str, list[tuple]] = {}
    for pk, status, priority, number in base.values_list("pk", "status", "priority", "number"):
        by_status.setdefault(status, []).append((priority is None, -(priority or 0), -number, pk))
    counts = {status: len(rows) for status, rows in by_status.items()}
    top = [row[-1] for rows in by_status.values() for row in sorted(rows)[:BOARD_LIMIT]]
    return counts, top


def _capped_counts(base: QuerySet, statuses: list[str]) -> dict[str, int]:
    """Cards per status, counted up to BOARD_COUNT_CAP + 1 ("999+"): an exact count reads every
    row of a 100k pool (45 ms on PostgreSQL) for a number nobody reads past three digits."""
    parts, params = [], []
    for status in statuses:
        capped = base.filter(status=status).values("pk")[: BOARD_COUNT_CAP + 1]
        sql, p = capped.query.sql_with_params()
        parts.append(f"SELECT %s, (SELECT COUNT(*) FROM ({sql}) AS c{len(parts)})")
        params.extend([status, *p])
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {status: n for status, n in cursor.fetchall()}


def _top_ids(base: QuerySet, statuses: list[str]) -> RawSQL:
    """Ids of the top BOARD_LIMIT cards of each status: one index range scan per status
    (UNION ALL of LIMITed subqueries), not a window over every row of the workspace."""
    if not statuses:
        # typed: PostgreSQL refuses "id IN (SELECT NULL)" (bigint = text)
        return RawSQL("SELECT CAST(NULL AS BIGINT) WHERE 1 = 0", [])
    parts, params = [], []
    for status in statuses:
        top = base.filter(status=status).order_by(*SORTS["priority"]).values("pk")[:BOARD_LIMIT]
        sql, p = top.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS s{len(parts)}")
        params.extend(p)
    return RawSQL(" UNION ALL ".join(parts), params)


def workspace_pulse(workspace) -> dict:
    """What the workspace home shows: the pool by status, what is contested, what awaits triage."""
    from django.db.models import Count

    from truce.customers.models import Feedback

    by_status = dict(
        Requirement.objects.filter(workspace=workspace)
        .values_list("status")
        .annotate(n=Count("*"))  # COUNT(*): PostgreSQL answers from the status index alone
        .order_by()
    )
    contested = list(
        Requirement.objects.filter(workspace=workspace, contested=True)
        .exclude(status__in=[Status.RELEASED, Status.REVIEWED, Status.REJECTED])
        .only("id", "number", "title", "contest_reasons", "product_score", "operations_score")
        .order_by(*SORTS["priority"])[:5]
    )
    return {
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
        "total": sum(by_status.values()),
        "contested": contested,
        "untriaged": Feedback.objects.filter(workspace=workspace).untriaged().count(),
    }
