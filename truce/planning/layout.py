"""A finished run laid out for its pages, once, when its result is written.

A run's ``inputs`` and ``result`` (truce.planning.engine) are large at scale: a scenario over a
big backlog has thousands of candidates, and decoding both documents, rebuilding the
optimiser's problem and working out "why is it out?" for each shown row took most of a page's
time and allocated enough objects to set off full garbage collections. So a run is laid out
when it finishes (and again when a Pareto point is adopted or an explanation is added):

* a small ``summary`` (values, counts, baseline and previous-run comparisons with their
  first SHOWN items and totals, utilisation, the Pareto points without their selections,
  the chart data), stored on the run, and
* one row per candidate (``RunItem``) with what its table row and "why?" panel show, its
  rank by weighted value and a search text, so pages read the 50 rows they show.

Pure functions of the JSON documents (no Django), so a migration can lay out old runs too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from truce.planning import engine

OTHER = {"product": "operations", "operations": "product"}
SHOWN = 50  # items of a comparison list in the summary; the rest are counted
# what a table row keeps of an input row (not its usage, prerequisites or promotions)
ROW_FIELDS = ("id", "kind", "ref", "number", "title", "side", "owner", "status", "product")
ROW_FIELDS += ("operations", "customer", "demand_value", "pulled_in")
SEARCHED = ("id", "ref", "title", "owner")
# the optimiser's explanation (engine.explanation_dict); the layout adds the items it names
EXPLANATION_FIELDS = ("included", "blocked", "bundle", "extra_capacity", "displaced", "added")
EXPLANATION_FIELDS += ("value_change", "objective_change", "possible")


def weighted(weights: Mapping, row: Mapping) -> float:
    return sum(float(weights[lens]) * float(row[lens]) for lens in engine.LENSES)


def search_text(row: Mapping) -> str:
    """What "find an item" matches: number, ref, title and owner, case-folded, one per line
    (a query never spans two of them: newlines are taken out of queries)."""
    return "\n".join(str(row[f]).casefold() for f in SEARCHED)


def normalize_query(q: str) -> str:
    return " ".join(q.replace("\n", " ").split()).casefold() if q.strip() else ""


def _brief(row: Mapping) -> dict:
    return {"id": row["id"], "ref": row["ref"], "title": row["title"]}


def _refs(rows: Mapping[str, Mapping], ids: Iterable[str]) -> list[dict]:
    return [_brief(rows[i]) for i in ids if i in rows]


def _sliced(rows: Mapping[str, Mapping], ids: list[str]) -> tuple[list[dict], int]:
    found = [i for i in ids if i in rows]
    return _refs(rows, found[:SHOWN]), len(found)


class _Run:
    """One run's documents with the lookups the layout needs, built once."""

    def __init__(self, inputs: Mapping, result: Mapping) -> None:
        self.inputs, self.result = inputs, result
        self.rows = {row["id"]: row for row in inputs.get("items", [])}
        self.problem = engine.problem_from(inputs, fairness=False)
        self.selected = set(result["selected"])
        self.baseline = set(result["baseline"]["selected"])
        self.explanations = engine.current_explanations(result)


def explained(rows: Mapping[str, Mapping], explanation: Mapping | None, row: Mapping):
    """An explanation with the items it names (ref and title) and the other side's gain."""
    if explanation is None:
        return None
    side = OTHER.get(row["side"], "operations")
    change = explanation["value_change"]
    blocked = [b | {"row": _brief(rows[b["item"]]) if b.get("item") in rows else None}
               for b in explanation["blocked"]]  # fmt: skip
    return dict(explanation) | {
        "displaced_items": _refs(rows, explanation["displaced"]),
        "added_items": _refs(rows, [i for i in explanation["added"] if i != row["id"]]),
        "blocked_items": blocked,
        "other_side": side,
        "other_gain": round(change.get(side, 0.0), 3),
        "own_change": change.get(row["side"], 0.0),
    }


def _other_pools(inputs: Mapping, row: Mapping) -> list[dict]:
    """What an item takes from pools the other side owns."""
    side = OTHER.get(row["side"])
    totals: dict[str, float] = {}
    for key, amount in row["usage"].items():
        pool_id, _period = engine.parse_slot(key)
        if inputs["pools"].get(pool_id, {}).get("side") == side and amount > 0:
            totals[pool_id] = totals.get(pool_id, 0.0) + amount
    return [{"pool": inputs["pools"][p], "amount": a} for p, a in totals.items()]


def _capacity_needs(inputs: Mapping, extra: Mapping) -> list[dict]:
    out = []
    for key, amount in extra.items():
        pool_id, period = engine.parse_slot(key)
        out.append({"pool": inputs["pools"][pool_id], "period": period, "amount": amount})
    return out


def item_data(run: _Run, row: Mapping) -> dict:
    """What the item's table row and "why?" panel show."""
    base = {f: row[f] for f in ROW_FIELDS if f in row}
    common = {
        "weighted": weighted(run.inputs["weights"], row),
        "in_baseline": row["id"] in run.baseline,
        "explanation": explained(run.rows, run.explanations.get(row["id"]), row),
    }
    if row["id"] in run.selected:
        return (
            base
            | common
            | {
                "funded": True,
                "mandatory": row["id"] in run.problem.mandatory,
                "other_pools": _other_pools(run.inputs, row),
            }
        )
    cheap = engine.shortfall(run.problem, run.selected, row["id"], run.result["usage"])
    return (
        base
        | common
        | {
            "funded": False,
            "excluded": row["id"] in run.problem.excluded,
            "bundle_items": _refs(run.rows, cheap["bundle"]),
            "ruled_out_items": _refs(run.rows, [i for i in cheap["ruled_out"] if i != row["id"]]),
            "needs": _capacity_needs(run.inputs, cheap["extra_capacity"]),
            "no_value": cheap["no_value"],
        }
    )


def items(inputs: Mapping, result: Mapping) -> list[dict]:
    """One entry per candidate: key, input order, rank (most valuable first, ties in input
    order), funded or not, search text and the row's data."""
    run = _Run(inputs, result)
    rows = inputs.get("items", [])
    ranked = sorted(range(len(rows)), key=lambda k: -weighted(inputs["weights"], rows[k]))
    rank = {k: position for position, k in enumerate(ranked)}
    return [
        {
            "key": row["id"],
            "index": k,
            "position": rank[k],
            "funded": row["id"] in run.selected,
            "search": search_text(row),
            "data": item_data(run, row),
        }
        for k, row in enumerate(rows)
    ]


def utilisation(inputs: Mapping, usage: Mapping) -> list[dict]:
    """Per pool: one entry per period with used, capacity and percent."""
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


def counts(rows: Iterable[Mapping]) -> dict:
    rows = list(rows)
    return {
        "total": len(rows),
        "requirements": sum(r["kind"] == "requirement" for r in rows),
        "campaigns": sum(r["kind"] == "campaign" for r in rows),
        "product": sum(r["side"] == "product" for r in rows),
        "operations": sum(r["side"] == "operations" for r in rows),
    }


def baseline(rows: Mapping[str, Mapping], result: Mapping) -> dict:
    base = result["baseline"]
    change = engine.diff(base["selected"], result["selected"])
    gain = result["objective"] - base["objective"]
    only_optimised, optimised_total = _sliced(rows, change["came_in"])
    only_baseline, baseline_total = _sliced(rows, change["went_out"])
    return {
        "values": base["values"],
        "objective": base["objective"],
        "gain": gain,
        "gain_pct": round(100 * gain / base["objective"]) if base["objective"] > 0 else None,
        "only_optimised": only_optimised,
        "only_optimised_total": optimised_total,
        "only_baseline": only_baseline,
        "only_baseline_total": baseline_total,
    }


def previous(inputs: Mapping, result: Mapping, before: Mapping | None) -> dict | None:
    """What changed since the previous run (``before``: its number, inputs and result)."""
    if not before or not before.get("result"):
        return None
    rows = {row["id"]: row for row in inputs.get("items", [])}
    then = {row["id"]: row for row in before["inputs"].get("items", [])}
    change = engine.diff(before["result"]["selected"], result["selected"])
    came_in, came_in_total = _sliced(rows, change["came_in"])
    went_out, went_out_total = _sliced(then | rows, change["went_out"])
    return {
        "number": before["number"],
        "values": before["result"]["values"],
        "came_in": came_in,
        "came_in_total": came_in_total,
        "went_out": went_out,
        "went_out_total": went_out_total,
    }


def pareto_points(result: Mapping, *, with_selection: bool = True) -> list[dict]:
    current = set(result["selected"])
    out = []
    for k, p in enumerate(result["pareto"]["points"]):
        point = p | {"index": k, "current": set(p["selected"]) == current}
        point["size"] = len(p["selected"])
        if not with_selection:
            del point["selected"]
        out.append(point)
    return out


def charts(inputs: Mapping, result: Mapping, used: list[dict]) -> dict:
    """Data for the two Plotly charts: utilisation per pool and period, and the trade-off."""
    bars = []
    for k, period in enumerate(inputs["periods"]):
        bar: dict = {"name": period[:7], "x": [], "y": [], "text": []}
        for pool in used:
            cell = pool["periods"][k]
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


def summary(inputs: Mapping, result: Mapping, before: Mapping | None = None) -> dict:
    """Everything a run's pages show besides the item rows (a few kilobytes)."""
    rows = {row["id"]: row for row in inputs.get("items", [])}
    used = utilisation(inputs, result.get("usage", {}))
    out = {
        "feasible": result.get("feasible", False),
        "optimal": result.get("optimal", False),
        "gap": result.get("gap"),
        "adopted": result.get("adopted"),
        "candidates": len(rows),
        "counts": counts(rows[i] for i in result["selected"] if i in rows),
        "values": result["values"],
        "objective": result["objective"],
        "utilisation": used,
        "pareto": pareto_points(result, with_selection=False),
        "pareto_complete": result["pareto"]["complete"],
        "charts": charts(inputs, result, used),
        "previous": previous(inputs, result, before),
    }
    if result.get("baseline"):
        out["baseline"] = baseline(rows, result)
    return out
