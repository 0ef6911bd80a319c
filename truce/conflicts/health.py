"""The collaboration-health dashboard: each measure of ``truce.domain.health`` over the last
weeks, read from the records the other modules keep. A fixed number of queries whatever the
size of the workspace: each reads one table over the window, and the database does the
counting and thread-walking where the rows would be many (contested share, first decisions,
cross-side answers), so Python only sees one row per event that is measured. The two
measures that still walk thousands of rows are kept between views with what they were
computed from, and a view after an edit reads only the rows added since (``_walked``).

Two measures cannot be rebuilt from history — the share of contested items and the capacity
split — so ``snapshot`` records them once a week (the dashboard takes this week's snapshot
when it is shown; past weeks come from earlier snapshots).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    RowRange,
    Subquery,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from truce.domain import health, okr

WEEKS = 12
# How long the two measures that walk many rows (time to decision, cross-side response) are
# kept; rows added since are folded in at the next view (see ``_grown``).
KEEP_SECONDS = 600
_CLOSED = ("released", "reviewed", "rejected")


@dataclass(frozen=True)
class Measure:
    key: str
    title: object
    definition: object
    unit: str  # "days", "hours", "share", "count"


MEASURES = (
    Measure("proposal_to_decision", gettext_lazy("Time from proposal to decision"),
            gettext_lazy("Median days from a requirement's creation to the first time it was "
                         "accepted or rejected, in the week of that decision."), "days"),
    Measure("contested_share", gettext_lazy("Share of contested items"),
            gettext_lazy("Open, scored requirements whose product and operations lenses "
                         "disagree, as a share of all open scored requirements (weekly "
                         "snapshot)."), "share"),
    Measure("escalations", gettext_lazy("Escalations"),
            gettext_lazy("Conflicts escalated to leadership in the week."), "count"),
    Measure("escalation_to_decision", gettext_lazy("Escalation to decision"),
            gettext_lazy("Median days from escalation to the decision that closed the "
                         "conflict, in the week of the decision."), "days"),
    Measure("launch_on_time", gettext_lazy("Launches on time"),
            gettext_lazy("Share of launches due in the week that launched on or before their "
                         "target date; a launch due and not launched counts as late."), "share"),
    Measure("readiness", gettext_lazy("Readiness completion"),
            gettext_lazy("Share of readiness checklist items done, on launches due in the "
                         "week."), "share"),
    Measure("key_result_progress", gettext_lazy("Key-result progress"),
            gettext_lazy("Mean progress of the key results of the periods running that week, "
                         "from the latest check-in of each on or before the week's end."),
            "share"),
    Measure("action_completion", gettext_lazy("Action items done on time"),
            gettext_lazy("Share of action items due in the week that were done by their due "
                         "date."), "share"),
    Measure("cross_side_response", gettext_lazy("Cross-side response time"),
            gettext_lazy("Median hours until someone of the other side answers in a comment "
                         "thread, in the week of the first comment."), "hours"),
)  # fmt: skip

CAPACITY_DEFINITION = gettext_lazy(
    "Per side, the share of demand on resource pools: planned is the demand of scheduled "
    "requirements and campaigns, used is the demand of work in progress or done. Product "
    "work is requirements raised by product; operations work is campaigns and requirements "
    "raised by operations."
)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def contested_share(workspace) -> float | None:
    """One count over the partial index of scored requirements (requirement_scored_idx)."""
    from truce.requirements.models import Requirement

    counts = (
        Requirement.objects.filter(
            workspace=workspace, product_score__isnull=False, operations_score__isnull=False
        )
        .exclude(status__in=_CLOSED)
        # Counting no column outside the index: PostgreSQL answers from the index alone.
        .aggregate(total=Count("*"), contested=Count("contested", filter=Q(contested=True)))
    )
    total = counts["total"]
    return round(counts["contested"] / total, 4) if total else None


def capacity_rows(workspace) -> list[tuple[str, float, float]]:
    """(side, planned, used) per demand row, by the side the work comes from."""
    from truce.resources.models import Demand

    planned_r, used_r = ("scheduled",), ("in_progress", "released", "reviewed")
    planned_c, used_c = ("scheduled",), ("running", "done")
    rows = []
    demands = Demand.objects.filter(pool__workspace=workspace).filter(
        Q(requirement__status__in=planned_r + used_r) | Q(campaign__status__in=planned_c + used_c)
    )
    for amount, r_side, r_status, c_status in demands.values_list(
        "amount", "requirement__origin_side", "requirement__status", "campaign__status"
    ):
        side = r_side or "operations"
        status = r_status or c_status
        planned = float(amount) if status in planned_r + planned_c else 0.0
        rows.append((side, planned, float(amount) - planned))
    return rows


def snapshot(workspace, today: date | None = None):
    """Record this week's contested share and capacity split (idempotent within the week)."""
    from truce.conflicts.models import HealthSnapshot

    week = health.week_of(today or timezone.localdate())
    return _record(workspace, week, HealthSnapshot.objects.filter(workspace=workspace, week=week))


def _record(workspace, week: date, stored):
    """This week's snapshot with the values of now: ``stored`` (this week's row or rows,
    already read by the caller) is rewritten only when a value changed, so showing the
    dashboard again does not write."""
    from truce.conflicts.models import HealthSnapshot

    values = {
        "contested_share": contested_share(workspace),
        "capacity": health.capacity_share(capacity_rows(workspace)),
    }
    found = next((s for s in stored if s.week == week), None)
    if found is not None and found.values == values:
        return found
    found, _created = HealthSnapshot.objects.update_or_create(
        workspace=workspace, week=week, defaults={"values": values}
    )
    return found


def dashboard(workspace, today: date | None = None, weeks: int = WEEKS) -> dict:
    """Every measure per week (oldest first), with titles and definitions."""
    from truce.conflicts.models import Conflict, HealthSnapshot

    today = today or timezone.localdate()
    span = health.weeks(today, weeks)
    start = _aware(span[0])
    stored = list(HealthSnapshot.objects.filter(workspace=workspace, week__gte=span[0]))
    current = _record(workspace, span[-1], stored)
    snaps = {s.week: s.values for s in stored}
    snaps[current.week] = current.values
    conflicts = list(
        Conflict.objects.filter(workspace=workspace)
        .filter(Q(escalated_at__gte=start) | Q(decided_at__gte=start))
        .values_list("escalated_at", "decided_at")
    )
    launches = _launches(workspace, span)
    series = {
        "contested_share": [snaps.get(w, {}).get("contested_share") for w in span],
        "escalations": health.count_by_week([e for e, _d in conflicts if e and e >= start], span),
        "escalation_to_decision": health.escalation_to_decision(
            [(e, d) for e, d in conflicts if e], span
        ),
        "launch_on_time": health.launch_on_time([lt[:2] for lt in launches], span, today),
        "readiness": health.readiness(_checklist(launches), span),
        "key_result_progress": _kr_progress(workspace, span),
        "action_completion": health.action_completion(_actions(workspace, span), span, today),
        **_walked(workspace, span, start),
    }
    return {
        "weeks": [w.isoformat() for w in span],
        "measures": [
            {"key": m.key, "title": str(m.title), "definition": str(m.definition),
             "unit": m.unit, "values": series[m.key], "latest": _latest(series[m.key])}
            for m in MEASURES
        ],
        "capacity": current.values.get("capacity", {}),
        "capacity_definition": str(CAPACITY_DEFINITION),
    }  # fmt: skip


def _latest(values):
    return next((v for v in reversed(values) if v is not None), None)


def _walked(workspace, span, start) -> dict[str, list]:
    """The two measures that walk many rows (time to decision, cross-side response), kept
    between views with what they were computed from, and brought up to date from the rows
    added since (``_grown``):

    - change records are only ever added (never edited or deleted) and a requirement's
      creation time never changes, so a requirement's first decision in the window only
      changes with a status move added later;
    - comments are only ever added too (editing or deleting one keeps its time, thread and
      author), so a thread's answers only change with a comment added to that thread, and
      a comment added never takes an answer away; every thread changes with the members'
      sides, which are part of the key.
    """
    from truce.accounts.models import Membership, Workspace
    from truce.core.models import ChangeRecord
    from truce.discussion.models import Comment

    moves = ChangeRecord.objects.filter(
        workspace=workspace, subject_type="requirement", verb="status", created_at__gte=start
    )
    comments = Comment.objects.filter(workspace=workspace, created_at__gte=start)
    sides = list(
        Membership.objects.filter(workspace=workspace)
        .order_by("user_id")
        .values_list("user_id", "side")
    )
    keys = {
        "decisions": _key("decisions", workspace, span, start, ()),
        "answers": _key("answers", workspace, span, start, sides),
    }
    kept = cache.get_many(list(keys.values()))
    decided, answered = kept.get(keys["decisions"]), kept.get(keys["answers"])
    marks = (
        Workspace.objects.filter(pk=workspace.pk)
        .annotate(
            moves=_count(moves), top_move=_top(moves),
            moves_added=_count(moves.filter(pk__gt=decided["top"] if decided else 0)),
            comments=_count(comments), top_comment=_top(comments),
            comments_added=_count(comments.filter(pk__gt=answered["top"] if answered else 0)),
        )
        .values_list("moves", "top_move", "moves_added",
                     "comments", "top_comment", "comments_added")
        .get()
    )  # fmt: skip
    return {
        "proposal_to_decision": _grown(
            keys["decisions"], decided, marks[:3], moves,
            lambda first, added: _first_decisions(first, moves if added is None else added),
            lambda first: health.proposal_to_decision(list(first.values()), span),
        ),
        "cross_side_response": _grown(
            keys["answers"], answered, marks[3:], comments,
            lambda threads, added: _thread_answers(threads, added, comments, workspace),
            lambda threads: health.response_hours(
                [pair for pairs in threads.values() for pair in pairs], span
            ),
        ),
    }  # fmt: skip


def _key(name, workspace, span, start, extra) -> str:
    """Names everything a kept measure depends on besides its rows: the workspace (with its
    creation time, so a database reset never meets an older workspace's values), the weeks
    and where the window starts, and ``extra``."""
    parts = (workspace.pk, workspace.created_at, start.isoformat(), span[-1], extra)
    return f"truce:health:{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _grown(key, kept, now, rows, fold, measure):
    """``measure(parts)`` of the window's ``rows``, kept under ``key`` with the ``parts`` it
    came from.

    ``now`` is (count, highest id, count above the kept highest id) of ``rows``. When count
    and highest id are as kept, the kept value is returned. When rows were only added since
    (the count grew by exactly the number above the kept highest id), ``fold(parts, added)``
    brings the parts up to date from the added rows alone; anything else (a row deleted, one
    committed late under a lower id) starts again with ``fold({}, None)`` over all ``rows``.
    So the value is always what it would be from scratch, and an edit costs the next view
    the rows it added, not the whole window."""
    count, top, added = now[0], now[1] or 0, now[2]
    if kept is not None and (kept["count"], kept["top"]) == (count, top):
        return kept["value"]
    parts = None
    if kept is not None and top > kept["top"] and kept["count"] + added == count:
        parts = fold(kept["parts"], rows.filter(pk__gt=kept["top"]))
    if parts is None:
        parts = fold({}, None)
    value = measure(parts)
    cache.set(key, {"count": count, "top": top, "parts": parts, "value": value}, KEEP_SECONDS)
    return value


def _count(rows):
    """``rows.count()`` as a subquery (of rows of one workspace)."""
    counted = rows.order_by().values("workspace").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def _top(rows):
    """The highest id of ``rows`` as a subquery (of rows of one workspace)."""
    return Subquery(rows.order_by().values("workspace").annotate(top=Max("pk")).values("top"))


def _first_decisions(first: dict, moves) -> dict:
    """``first`` (requirement id -> (created, first accepted/rejected move)) updated with the
    status ``moves``: an earlier decision replaces a later one."""
    first = dict(first)
    for subject_id, made, at in _decisions(moves):
        if subject_id not in first or at < first[subject_id][1]:
            first[subject_id] = (made, at)
    return first


def _thread_answers(threads: dict, added, comments, workspace) -> dict:
    """``threads`` ((subject type, id) -> its (asked, answered) pairs) with the threads of the
    ``added`` comments walked again over the window's ``comments`` (None: every thread). A
    thread with answers keeps them when comments are added, so only threads the walk returns
    change."""
    threads = dict(threads)
    if added is not None:
        same_thread = added.filter(
            subject_type=OuterRef("subject_type"), subject_id=OuterRef("subject_id")
        )
        comments = comments.filter(Exists(same_thread))
    walked: dict[tuple[str, int], list] = {}
    for subject_type, subject_id, asked, answer in _answers(comments, workspace):
        walked.setdefault((subject_type, subject_id), []).append((asked, answer))
    threads.update(walked)
    return threads


def _decisions(moves):
    """(requirement id, its creation time, time of the move) per move to accepted or
    rejected among the status ``moves`` (``changes`` holds ``{"status": [before, after]}``),
    in time order, read from the (workspace, subject_type, verb, created_at) index."""
    from truce.requirements.models import Requirement

    created = Requirement.objects.filter(pk=OuterRef("subject_id")).order_by()
    rows = (
        moves.filter(changes__status__1__in=("accepted", "rejected"))
        .annotate(created=Subquery(created.values("created_at")))
        .order_by("created_at")
        .values_list("subject_id", "created", "created_at")
    )
    return [(subject_id, made, at) for subject_id, made, at in rows if made is not None]


def _launches(workspace, span):
    """(target date, launched on, checklist items, items done) of the launches due in the
    span, cancelled ones left out."""
    from truce.launches.models import Launch

    end = span[-1] + timedelta(days=6)
    return list(
        Launch.objects.filter(workspace=workspace, target_date__range=(span[0], end))
        .exclude(status="cancelled")
        .annotate(items=Count("checklist"), done=Count("checklist", filter=Q(checklist__done=True)))
        .order_by()
        .values_list("target_date", "launched_on", "items", "done")
    )


def _checklist(launches):
    """One (due date, done) per checklist item, from the per-launch counts."""
    return [
        (due, done)
        for due, _on, items, n_done in launches
        for done in [True] * n_done + [False] * (items - n_done)
    ]


def _actions(workspace, span):
    from truce.meetings.models import ActionItem

    end = span[-1] + timedelta(days=6)
    rows = ActionItem.objects.filter(workspace=workspace, due__range=(span[0], end)).exclude(
        status="cancelled"
    )
    return [
        (due, timezone.localtime(done).date() if done else None)
        for due, done in rows.values_list("due", "completed_at")
    ]


def _answers(comments, workspace):
    """(subject type, subject id, asked, answered) per comment of ``comments`` that someone
    of the other side answered later in the same thread
    (``truce.domain.health.cross_side_response``, walked by the database): a comment's side
    is its author's membership side, and a window over the thread gives the first later
    comment of each side."""
    from truce.accounts.models import Side

    later = {
        "partition_by": [F("subject_type"), F("subject_id")],
        "order_by": [F("created_at").asc(), F("pk").asc()],
        "frame": RowRange(start=1, end=None),
    }

    def next_of(side):
        return Window(Min(Case(When(member__side=side, then=F("created_at")))), **later)

    rows = (
        comments.annotate(
            member=FilteredRelation(
                "author__memberships", condition=Q(author__memberships__workspace=workspace)
            )
        )
        .annotate(next_product=next_of(Side.PRODUCT), next_operations=next_of(Side.OPERATIONS))
        .annotate(
            answered=Case(
                When(member__side=Side.PRODUCT, then=F("next_operations")),
                When(member__side=Side.OPERATIONS, then=F("next_product")),
            )
        )
        .filter(answered__isnull=False)
        .order_by()
    )
    return list(rows.values_list("subject_type", "subject_id", "created_at", "answered"))


def _kr_progress(workspace, span):
    from truce.goals.models import CheckIn, KeyResult

    end = span[-1] + timedelta(days=6)
    krs = list(
        KeyResult.objects.filter(
            workspace=workspace,
            objective__period__start__lte=end,
            objective__period__end__gte=span[0],
        ).values_list("pk", "baseline", "target", "direction", "objective__period__start",
                      "objective__period__end")
    )  # fmt: skip
    if not krs:
        return [None] * len(span)
    readings: dict[int, list[tuple[date, float]]] = {}
    for kr_id, at, value in (
        CheckIn.objects.filter(key_result_id__in=[k[0] for k in krs])
        .order_by("created_at")
        .values_list("key_result_id", "created_at", "value")
    ):
        readings.setdefault(kr_id, []).append((timezone.localtime(at).date(), value))
    out = []
    for week in span:
        week_end = week + timedelta(days=6)
        values = []
        for pk, baseline, target, direction, p_start, p_end in krs:
            if p_start > week_end or p_end < week:
                continue
            current = baseline
            for day, value in readings.get(pk, []):
                if day <= week_end:
                    current = value
            values.append(okr.progress(baseline, target, current, direction))
        out.append(health.mean(values))
    return out


def to_excel(data: dict) -> bytes:
    """The dashboard as a workbook: one sheet of weekly values, one of definitions. Text
    cells are written as text (no formulas)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Weekly")[:31]
    sheet.append([_("Measure"), *data["weeks"]])
    for m in data["measures"]:
        sheet.append([_safe(m["title"]), *[v if v is not None else "" for v in m["values"]]])
    defs = book.create_sheet(_("Definitions")[:31])
    defs.append([_("Measure"), _("Definition"), _("Unit")])
    for m in data["measures"]:
        defs.append([_safe(m["title"]), _safe(m["definition"]), m["unit"]])
    defs.append([_safe(_("Capacity share by side")), _safe(data["capacity_definition"]), "share"])
    cap = book.create_sheet(_("Capacity")[:31])
    cap.append([_("Side"), _("Planned"), _("Used")])
    for side, shares in sorted(data["capacity"].items()):
        cap.append([side, shares["planned"], shares["used"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(text) -> str:
    """Text that a spreadsheet must not run as a formula."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
