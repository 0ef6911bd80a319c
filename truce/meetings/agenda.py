"""The agenda of a sync meeting, generated from what is actually contested, at risk or late.

A registry of *sources*: each has a key, a title and a function ``(workspace, meeting date) ->
list[Entry]`` (truce.domain.agenda.Entry: key, text, link, side, severity). A meeting's agenda
is the sources' entries in registration order, merged with what people arranged by hand (see
truce/domain/agenda.py); it is frozen when the meeting starts.

Built in: contested requirements, key results at risk, overdue action items, and over-committed
capacity when the resources app offers ``truce.resources.selectors.utilisation``.

How a later app adds a source: in its ``AppConfig.ready`` ::

    from truce.meetings import agenda

    def open_conflicts(workspace, day):
        return [
            agenda.Entry(
                key=f"conflict:{c.pk}",                  # stable while it stays on the agenda
                text=c.title,
                link=reverse("conflicts:detail", args=[workspace.slug, c.pk]),
                side="",                                  # "product", "operations" or "" (both)
                severity="critical" if c.escalated else "warning",
            )
            for c in Conflict.objects.filter(workspace=workspace, status="open")[:20]
        ]

    agenda.register(agenda.Source("conflicts", _("Open conflicts"), open_conflicts, order=10))

Planned sources: open conflicts (issue 10, order 10) and launches in the next 14 days with
unready checklist items (issue 9, order 40: ``day`` is the meeting's date, so "next 14 days"
means ``day``..``day + 14``).

Over-committed capacity reads the resources app's live utilisation rather than its
"pool.overcommitted" events, so a slot leaves the agenda as soon as it fits again.

A source must be cheap (a few queries, at most ~20 entries)
and must not fail for a workspace that has no data of its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from truce.domain.agenda import Entry

__all__ = ["Entry", "Source", "generate", "register", "sources", "title_of"]

LIMIT = 20  # entries per source: a meeting cannot discuss more anyway


@dataclass(frozen=True)
class Source:
    key: str
    title: object  # a (lazy) translated string
    items: Callable[[object, date], list[Entry]]
    order: int = 50


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add (or replace) a source; idempotent, so ``ready()`` may run twice."""
    if source.key == "manual":
        raise ValueError("'manual' is reserved for items added by hand")
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def title_of(key: str) -> str:
    source = _SOURCES.get(key)
    return str(source.title) if source else ""


def generate(workspace, day: date) -> dict[str, list[Entry]]:
    """Every source's entries for a meeting of ``workspace`` on ``day``, in source order."""
    return {s.key: list(s.items(workspace, day))[:LIMIT] for s in sources()}


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


# Built-in sources ----------------------------------------------------------------------------


def contested_requirements(workspace, day: date) -> list[Entry]:
    from truce.requirements.models import Requirement, Status

    found = (
        Requirement.objects.filter(workspace=workspace, contested=True)
        .exclude(status__in=[Status.RELEASED, Status.REVIEWED, Status.REJECTED])
        .only("id", "number", "title", "origin_side", "contest_reasons")
        .order_by("-priority", "-number")[:LIMIT]
    )
    out = []
    for r in found:
        reasons = [x.get("message_zh" if _zh() else "message_en", "") for x in r.contest_reasons]
        text = f"{r.ref} {r.title}" + (
            f" — {'; '.join(x for x in reasons if x)}" if reasons else ""
        )
        out.append(
            Entry(
                key=f"requirement:{r.number}",
                text=text[:500],
                link=reverse("requirements:detail", args=[workspace.slug, r.number]),
                side=r.origin_side if r.origin_side in ("product", "operations") else "",
                severity="warning",
            )
        )
    return out


def key_results_at_risk(workspace, day: date) -> list[Entry]:
    """Key results of the periods running on ``day`` that the OKR rule calls at risk
    (truce/domain/okr.py, via the goals app's annotate_key_result)."""
    from truce.goals.models import KeyResult
    from truce.goals.selectors import annotate_key_result

    krs = (
        KeyResult.objects.filter(
            workspace=workspace, objective__period__start__lte=day, objective__period__end__gte=day
        )
        .select_related("objective__period")
        .order_by("objective__period__start", "pk")
    )
    out = []
    for kr in krs:
        annotate_key_result(kr, kr.objective.period, day)
        if not kr.at_risk:
            continue
        reasons = " ".join(kr.risk_messages)  # each message ends with its own full stop
        side = kr.objective.side if kr.objective.side in ("product", "operations") else ""
        out.append(
            Entry(
                key=f"keyresult:{kr.pk}",
                text=f"{kr.title} ({kr.progress_pct}% / {kr.expected_pct}%) — {reasons}"[:500],
                link=reverse("goals:key_result", args=[workspace.slug, kr.pk]),
                side=side,
                severity="critical" if len(kr.assessment.reasons) > 1 else "warning",
            )
        )
        if len(out) >= LIMIT:
            break
    return out


def overdue_actions(workspace, day: date) -> list[Entry]:
    from truce.meetings.models import ActionItem

    found = (
        ActionItem.objects.for_workspace(workspace)
        .overdue(day)
        .select_related("owner")
        .order_by("due", "pk")[:LIMIT]
    )
    return [
        Entry(
            key=f"action:{a.pk}",
            text=_("%(title)s — %(owner)s, due %(due)s")
            % {"title": a.title, "owner": a.owner.name, "due": a.due.isoformat()},
            link=reverse("meetings:action", args=[workspace.slug, a.pk]),
            severity="critical" if (day - a.due).days > 7 else "warning",
        )
        for a in found
    ]


def overcommitted_capacity(workspace, day: date) -> list[Entry]:
    """Pools whose open demand exceeds capacity in a period still running or to come, if the
    resources app can tell (``truce.resources.selectors.utilisation``); nothing otherwise."""
    try:
        from truce.resources.selectors import utilisation
    except ImportError:
        return []
    out = []
    for slot in _overcommitted_slots(utilisation, workspace, day)[:LIMIT]:
        out.append(
            Entry(
                key=f"pool:{slot['pool_id']}:{slot['start']}",
                text=_("%(pool)s (%(start)s): %(demand)s needed, %(capacity)s available") % slot,
                link=_pool_link(workspace, slot["pool_id"]),
                side=slot["side"] if slot["side"] in ("product", "operations") else "",
                severity="warning",
            )
        )
    return out


def _pool_link(workspace, pool_id) -> str:
    try:
        return reverse("resources:pool", args=[workspace.slug, pool_id])
    except NoReverseMatch:
        return ""


def _get(obj, *names, default=None):
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _overcommitted_slots(utilisation, workspace, day: date) -> list[dict]:
    """Rows of the resources app's ``utilisation`` (SlotUse: pool, start, capacity, scheduled,
    candidate, overcommitted) that are over-committed in a period that started at most a
    quarter before the meeting."""
    try:
        rows = utilisation(workspace, overcommitted_only=True)
    except TypeError:  # an older signature without the filter
        rows = utilisation(workspace)
    slots = []
    for row in rows:
        pool, start = _get(row, "pool"), _get(row, "start")
        if pool is None or not _get(row, "overcommitted", default=False):
            continue
        if isinstance(start, date) and start < day - timedelta(days=92):
            continue
        slots.append(
            {
                "pool_id": _get(pool, "pk", "id", default=pool),
                "pool": _get(pool, "name", default=str(pool)),
                "side": _get(pool, "side", default=""),
                "start": start.isoformat() if isinstance(start, date) else str(start or ""),
                "demand": _get(row, "candidate", "scheduled", "demand", default=0),
                "capacity": _get(row, "capacity", default=0),
            }
        )
    return slots


def register_builtin() -> None:
    register(
        Source(
            "contested", gettext_lazy("Contested requirements"), contested_requirements, order=20
        )
    )
    register(Source("key_results", gettext_lazy("Key results at risk"), key_results_at_risk, 30))
    register(
        Source("capacity", gettext_lazy("Over-committed capacity"), overcommitted_capacity, 50)
    )
    register(Source("overdue", gettext_lazy("Overdue action items"), overdue_actions, order=60))
