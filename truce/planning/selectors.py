"""Reads for the planning pages and API: a run's result laid out for people, comparisons, and
the sign-off state of a period plan. Everything comes from the run's stored JSON (one or two
rows), never from solving again."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from truce.planning import engine
from truce.planning.models import PeriodPlan, PlanSignature, Run, RunStatus, Scenario
from truce.planning.services import required_capacities

OTHER = {"product": "operations", "operations": "product"}


def _rows(run: Run) -> dict[str, dict]:
    return {row["id"]: row for row in run.inputs.get("items", [])}


def _refs(rows: dict[str, dict], ids) -> list[dict]:
    return [rows[i] for i in ids if i in rows]


def _weighted(weights: dict, row: dict) -> float:
    return sum(float(weights[lens]) * float(row[lens]) for lens in engine.LENSES)


def utilisation(run: Run, selected=None) -> list[dict]:
    """Per pool: one entry per period with used, capacity and percent."""
    inputs = run.inputs
    usage = run.result.get("usage", {}) if selected is None else selected
    out = []
    for pool_id, pool in inputs["pools"].items():
        periods = []
        for period in inputs["periods"]:
            key = engine.slot_key(pool_id, period)
            cap = inputs["capacity"].get(key, 0.0)
            used = usage.get(key, 0.0)
            pct = round(100 * used / cap) if cap > 0 else (0 if used == 0 else None)
            periods.append({"period": period, "used": used, "capacity": cap, "pct": pct})
        out.append({"id": pool_id, **pool, "periods": periods})
    return out


def _explained(rows, explanation: dict | None, item: dict) -> dict | None:
    if explanation is None:
        return None
    side = OTHER.get(item["side"], "operations")
    change = explanation["value_change"]
    return explanation | {
        "displaced_items": _refs(rows, explanation["displaced"]),
        "added_items": _refs(rows, [i for i in explanation["added"] if i != item["id"]]),
        "blocked_items": [b | {"row": rows.get(b.get("item", ""))} for b in explanation["blocked"]],
        "other_side": side,
        "other_gain": round(change.get(side, 0.0), 3),
        "own_change": change.get(item["side"], 0.0),
    }


def _other_pools(inputs: dict, item: dict) -> list[dict]:
    """What an item takes from pools the other side owns."""
    side = OTHER.get(item["side"])
    totals: dict[str, float] = {}
    for key, amount in item["usage"].items():
        pool_id, _period = engine.parse_slot(key)
        if inputs["pools"].get(pool_id, {}).get("side") == side and amount > 0:
            totals[pool_id] = totals.get(pool_id, 0.0) + amount
    return [{"pool": inputs["pools"][p], "amount": a} for p, a in totals.items()]


def _capacity_needs(inputs: dict, extra: dict) -> list[dict]:
    out = []
    for key, amount in extra.items():
        pool_id, period = engine.parse_slot(key)
        out.append({"pool": inputs["pools"][pool_id], "period": period, "amount": amount})
    return out


SHOWN = 50  # rows per table unless all are asked for; the rest are a search away


def _matches(row: dict, q: str) -> bool:
    q = q.casefold().strip()
    return not q or any(q in str(row[f]).casefold() for f in ("id", "ref", "title", "owner"))


def run_result(run: Run, *, q: str = "", show_all: bool = False, only: str = "") -> dict:
    """Everything the result panel shows, from the run's stored inputs and result: funded and
    left-out items (most valuable first; ``q`` filters by number, title or owner; at most
    SHOWN of each unless ``show_all``; ``only`` keeps one item), values, comparisons, charts."""
    if run.status != RunStatus.DONE:
        return {}
    inputs, result = run.inputs, run.result
    rows = _rows(run)
    weights = inputs["weights"]
    problem = engine.problem_from(inputs, fairness=False)
    chosen = set(result["selected"])
    explanations = engine.current_explanations(result)
    wanted = [r for r in inputs["items"] if (r["id"] == only if only else _matches(r, q))]
    wanted.sort(key=lambda r: -_weighted(weights, r))
    funded_rows = [r for r in wanted if r["id"] in chosen]
    out_rows = [r for r in wanted if r["id"] not in chosen]
    limit = None if show_all else SHOWN
    context = _Context(
        problem, inputs, rows, explanations, set(result["baseline"]["selected"]), chosen
    )
    return {
        "rows": rows,
        "funded": [_funded(context, row) for row in funded_rows[:limit]],
        "left_out": [_left_out(context, row, result["usage"]) for row in out_rows[:limit]],
        "funded_total": len(funded_rows),
        "left_out_total": len(out_rows),
        "q": q,
        "counts": _counts([rows[i] for i in result["selected"]]),
        "values": result["values"],
        "objective": result["objective"],
        "baseline": _baseline(rows, result),
        "previous": _previous(run, rows),
        "utilisation": utilisation(run),
        "pareto": _pareto_points(result),
        "charts": charts(run),
        "candidates": len(rows),
        "requirement_url": reverse("requirements:list", args=[run.workspace.slug]),
    }


@dataclass
class _Context:
    problem: object
    inputs: dict
    rows: dict
    explanations: dict
    baseline: set
    selected: set


def _funded(c: _Context, row: dict) -> dict:
    return row | {
        "funded": True,
        "weighted": _weighted(c.inputs["weights"], row),
        "in_baseline": row["id"] in c.baseline,
        "mandatory": row["id"] in c.problem.mandatory,
        "explanation": _explained(c.rows, c.explanations.get(row["id"]), row),
        "other_pools": _other_pools(c.inputs, row),
    }


def _left_out(c: _Context, row: dict, usage: dict) -> dict:
    cheap = engine.shortfall(c.problem, c.selected, row["id"], usage)
    return row | {
        "funded": False,
        "weighted": _weighted(c.inputs["weights"], row),
        "in_baseline": row["id"] in c.baseline,
        "excluded": row["id"] in c.problem.excluded,
        "bundle_items": _refs(c.rows, cheap["bundle"]),
        "ruled_out_items": _refs(c.rows, [i for i in cheap["ruled_out"] if i != row["id"]]),
        "needs": _capacity_needs(c.inputs, cheap["extra_capacity"]),
        "no_value": cheap["no_value"],
        "explanation": _explained(c.rows, c.explanations.get(row["id"]), row),
    }


def _counts(funded: list[dict]) -> dict:
    return {
        "total": len(funded),
        "requirements": sum(r["kind"] == "requirement" for r in funded),
        "campaigns": sum(r["kind"] == "campaign" for r in funded),
        "product": sum(r["side"] == "product" for r in funded),
        "operations": sum(r["side"] == "operations" for r in funded),
    }


def _baseline(rows: dict, result: dict) -> dict:
    base = result["baseline"]
    change = engine.diff(base["selected"], result["selected"])
    gain = result["objective"] - base["objective"]
    return {
        "values": base["values"],
        "objective": base["objective"],
        "gain": gain,
        "gain_pct": round(100 * gain / base["objective"]) if base["objective"] > 0 else None,
        "only_optimised": _refs(rows, change["came_in"]),
        "only_baseline": _refs(rows, change["went_out"]),
    }


def _previous(run: Run, rows: dict) -> dict | None:
    if run.previous_id is None:
        return None
    found = Run.objects.filter(pk=run.previous_id).values("number", "result", "inputs").first()
    if found is None or not found["result"]:
        return None
    before = {row["id"]: row for row in found["inputs"].get("items", [])}
    change = engine.diff(found["result"]["selected"], run.result["selected"])
    return {
        "id": run.previous_id,
        "number": found["number"],
        "values": found["result"]["values"],
        "came_in": _refs(rows, change["came_in"]),
        "went_out": [
            rows.get(i) or before[i] for i in change["went_out"] if i in rows or i in before
        ],
    }


def _pareto_points(result: dict) -> list[dict]:
    current = set(result["selected"])
    return [
        p | {"index": k, "current": set(p["selected"]) == current, "size": len(p["selected"])}
        for k, p in enumerate(result["pareto"]["points"])
    ]


def charts(run: Run) -> dict:
    """Data for the two Plotly charts: utilisation per pool and period, and the trade-off."""
    result = run.result
    bars = []
    for period in run.inputs["periods"]:
        bar = {"name": period[:7], "x": [], "y": [], "text": []}
        for pool in utilisation(run):
            cell = next(c for c in pool["periods"] if c["period"] == period)
            bar["x"].append(pool["name"])
            bar["y"].append(cell["pct"] or 0)
            bar["text"].append(f"{cell['used']:g} / {cell['capacity']:g} {pool['unit']}".strip())
        bars.append(bar)
    points = result["pareto"]["points"]
    return {
        "utilisation": bars,
        "pareto": {
            "x": [p["operations"] for p in points],
            "y": [p["product"] for p in points],
            "size": [len(p["selected"]) for p in points],
            "current": [result["values"]["operations"], result["values"]["product"]],
            "baseline": [
                result["baseline"]["values"]["operations"],
                result["baseline"]["values"]["product"],
            ],
        },
    }


# what the scenario page lists of a run, and what the reaper reads of one
BRIEF_FIELDS = ["id", "number", "status", "progress", "created_at", "updated_at", "finished_at"]
BRIEF_FIELDS += ["scenario_id", "claimed_by", "heartbeat_at", "interrupted"]


def latest_runs(scenario: Scenario, limit: int = 10) -> list[Run]:
    return list(Run.objects.filter(scenario=scenario).only(*BRIEF_FIELDS).order_by("-id")[:limit])


def compare(runs: list[Run]) -> dict:
    """Side by side: the union of selected items with who selects each, values, utilisation."""
    rows: dict[str, dict] = {}
    for run in runs:
        rows.update(_rows(run))
    union: list[str] = []
    for run in runs:
        union += [i for i in run.result["selected"] if i not in union]
    picks = [set(run.result["selected"]) for run in runs]
    table = [
        rows[i]
        | {"in": [i in chosen for chosen in picks], "everywhere": all(i in c for c in picks)}
        for i in union
    ]
    table.sort(key=lambda r: (not r["everywhere"], r["kind"], r["ref"]))
    return {
        "items": table,
        "columns": [
            {
                "run": run,
                "values": run.result["values"],
                "objective": run.result["objective"],
                "count": len(run.result["selected"]),
                "utilisation": utilisation(run),
            }
            for run in runs
        ],
    }


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
