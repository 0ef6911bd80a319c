"""Reads for the planning pages and API: a run's result laid out for people, comparisons, and
the sign-off state of a period plan. Pages read a finished run's layout (its ``summary`` and
``RunItem`` rows, see truce.planning.layout), never its whole documents, and never solve."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Max, Q, Value, When
from django.db.models.fields.json import KT
from django.urls import reverse

from truce.planning import engine, layout
from truce.planning.models import PeriodPlan, PlanSignature, Run, RunItem, RunStatus, Scenario
from truce.planning.services import required_capacities, run_lay_out

SHOWN = 50  # rows per table unless all are asked for; the rest are a search away
MOST = 1000  # rows per table when all are asked for
INT = IntegerField()
DOCUMENTS = ("inputs", "result")  # what pages leave unread of a run


def summary_of(run: Run) -> dict:
    """The finished run's summary, laid out now if the run predates layouts."""
    return run.summary or run_lay_out(run)


def run_result(run: Run, *, q: str = "", show_all: bool = False, only: str = "") -> dict:
    """Everything the result panel shows: funded and left-out items (most valuable first;
    ``q`` filters by number, title or owner; the first SHOWN of each, or MOST with
    ``show_all``, with totals; ``only`` keeps one item), values, comparisons, utilisation,
    trade-off and charts."""
    if run.status != RunStatus.DONE:
        return {}
    summary = summary_of(run)
    needle = layout.normalize_query(q)
    rows = RunItem.objects.filter(run=run)
    if only:
        rows = rows.filter(key=only)
    elif needle:
        rows = rows.filter(search__contains=needle)
    limit = MOST if show_all else SHOWN
    funded = rows.filter(funded=True).order_by("position").values_list("data", flat=True)
    left_out = rows.filter(funded=False).order_by("position").values_list("data", flat=True)
    if needle or only:
        totals = rows.aggregate(funded=Count("pk", filter=Q(funded=True)), all=Count("pk"))
    else:
        totals = {"funded": summary["counts"]["total"], "all": summary["candidates"]}
    return summary | {
        "funded": list(funded[:limit]),
        "left_out": list(left_out[:limit]),
        "funded_total": totals["funded"],
        "left_out_total": totals["all"] - totals["funded"],
        "q": q,
        "show_all": show_all,
        "previous": _previous(run, summary),
        "requirement_url": reverse("requirements:list", args=[run.workspace.slug]),
    }


def _previous(run: Run, summary: dict) -> dict | None:
    if run.previous_id is None or not summary.get("previous"):
        return None
    return summary["previous"] | {"id": run.previous_id}


# what the scenario page lists of a run, and what the reaper reads of one
BRIEF_FIELDS = ["id", "number", "status", "progress", "created_at", "updated_at", "finished_at"]
BRIEF_FIELDS += ["scenario_id", "claimed_by", "heartbeat_at", "interrupted"]


def latest_runs(scenario: Scenario, limit: int = 10) -> list[Run]:
    return list(Run.objects.filter(scenario=scenario).only(*BRIEF_FIELDS).order_by("-id")[:limit])


def compare(runs: list[Run], *, limit: int | None = None) -> dict:
    """Side by side: each run's values and utilisation, and the items any of them funds with
    which runs fund each (grouped in the database). Without ``limit``, every item, those all
    runs fund first (the API); with it, the first ``limit`` items, those that differ first."""
    columns = []
    for run in runs:
        summary = summary_of(run)
        columns.append({
            "run": run,
            "values": summary["values"],
            "objective": summary["objective"],
            "count": summary["counts"]["total"],
            "utilisation": summary["utilisation"],
        })  # fmt: skip
    union = _union(runs)
    everywhere = Case(When(n=len(runs), then=Value(1)), default=Value(0), output_field=INT)
    if limit is None:
        found = list(union.order_by(everywhere.desc(), "kind", "ref"))
        total = differ = None
    else:
        found = list(union.order_by(everywhere.asc(), "kind", "ref")[:limit])
        total, differ = union.count(), union.filter(n__lt=len(runs)).count()
    items = [
        {"id": row["key"]}
        | {k: row[k] for k in ("kind", "ref", "title", "side")}
        | {"in": [row[f"in{k}"] > 0 for k in range(len(runs))], "everywhere": row["n"] == len(runs)}
        for row in found
    ]
    return {"items": items, "columns": columns, "total": total, "differ": differ}


def _union(runs: list[Run]):
    per_run = {f"in{k}": Count("pk", filter=Q(run_id=run.pk)) for k, run in enumerate(runs)}
    fields = {name: Max(KT(f"data__{name}")) for name in ("kind", "ref", "title", "side")}
    return (
        RunItem.objects.filter(run__in=runs, funded=True)
        .values("key")
        .annotate(n=Count("pk"), **fields, **per_run)
    )


def selections(runs: list[Run]) -> dict[int, list[str]]:
    """Each run's funded items, in the order of its inputs."""
    out: dict[int, list[str]] = {run.pk: [] for run in runs}
    funded = RunItem.objects.filter(run__in=runs, funded=True).order_by("run_id", "index")
    for run_id, key in funded.values_list("run_id", "key"):
        out[run_id].append(key)
    return out


@dataclass
class PlanSignoff:
    agreed: bool
    required: list[str]
    valid: list[PlanSignature] = field(default_factory=list)
    stale: list[PlanSignature] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    came_in: list[dict] = field(default_factory=list)
    went_out: list[dict] = field(default_factory=list)

    @property
    def reopened(self) -> bool:
        return bool(self.stale) and not self.agreed


def plan_signoff(plan: PeriodPlan) -> PlanSignoff:
    """Agreed when signatures of the current content cover every required capacity; with
    older signatures, what changed since the latest of them."""
    from truce.goals.models import Capacity

    required = required_capacities(plan.workspace)
    signatures = list(PlanSignature.objects.filter(plan=plan).select_related("signer"))
    for s in signatures:
        s.capacity_label = Capacity(s.capacity).label
    valid = [s for s in signatures if s.plan_hash == plan.content_hash]
    stale = [s for s in signatures if s.plan_hash != plan.content_hash]
    have = {s.capacity for s in valid}
    state = PlanSignoff(
        agreed=all(c in have for c in required),
        required=required,
        valid=valid,
        stale=stale,
        missing=[str(Capacity(c).label) for c in required if c not in have],
    )
    if stale:
        last = max(stale, key=lambda s: (s.signed_at, s.pk))
        now = {i["id"]: i for i in plan.content["items"]}
        then = {i["id"]: i for i in last.items}
        change = engine.diff(list(then), list(now))
        state.came_in = [now[i] for i in change["came_in"]]
        state.went_out = [then[i] for i in change["went_out"]]
    return state
