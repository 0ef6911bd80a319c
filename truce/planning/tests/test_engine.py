"""The run pipeline without a database: inputs → results, adopting, explanations."""

from __future__ import annotations

import pytest

from truce.planning import engine

P = "P1|2026-07-01"
B = "P2|2026-07-01"


def _item(id, product, operations, usage, requires=(), promotes=(), kind="requirement"):
    return {"id": id, "kind": kind, "ref": id, "title": id, "side": "product", "owner": "",
            "status": "accepted", "product": product, "operations": operations,
            "customer": 0.0, "demand_value": 0.0, "usage": usage, "requires": list(requires),
            "promotes": list(promotes), "pulled_in": False}  # fmt: skip


def _inputs(**extra):
    return {
        "periods": ["2026-07-01"],
        "pools": {"P1": {"name": "dev", "unit": "d", "kind": "days", "side": "product"},
                  "P2": {"name": "budget", "unit": "¥", "kind": "money", "side": "operations"}},
        "capacity": {P: 10.0, B: 100.0},
        "items": [
            _item("R1", 8, 1, {P: 6}),
            _item("R2", 2, 7, {P: 5}),
            _item("R3", 6, 2, {P: 4}),
            _item("C1", 0, 9, {B: 80}, promotes=["R2"], kind="campaign"),
        ],
        "mandatory": [], "excluded": [],
        "weights": {"product": 1, "operations": 1, "customer": 1},
        "fairness": {"product": 0.0, "operations": 0.0},
    } | extra  # fmt: skip


def test_run_all_finds_the_best_plan_and_beats_the_baseline():
    result, timings = engine.run_all(_inputs())
    # R2 + C1 (18) + R3 (8) = 26 beats R1 + R3 (17), and fits 9/10 days.
    assert result["selected"] == ["R2", "R3", "C1"] and result["optimal"]
    assert result["values"]["operations"] == 18 and result["usage"][P] == 9
    assert result["objective"] >= result["baseline"]["objective"]
    assert set(timings) == {"solve", "baseline", "explain", "pareto"}


def test_every_left_out_item_is_explained_with_what_it_displaces():
    result, _ = engine.run_all(_inputs())
    why = result["explanations"]["R1"]
    assert not why["included"] and why["possible"]
    assert why["extra_capacity"] == {P: 5.0}
    assert "R1" in why["added"] and why["displaced"]


def test_included_item_shows_what_it_costs_the_other_side():
    result, _ = engine.run_all(_inputs())
    why = result["explanations"]["R3"]
    assert why["included"] and why["value_change"]["product"] < 0


def test_campaign_cannot_come_without_the_feature_it_promotes():
    inputs = _inputs(excluded=["R2"])
    result, _ = engine.run_all(inputs)
    assert "C1" not in result["selected"]
    problem = engine.problem_from(inputs)
    cheap = engine.shortfall(problem, result["selected"], "C1")
    assert cheap["ruled_out"] == ["R2"] and cheap["bundle"] == ["R2"]


def test_mandatory_overflow_is_reported_not_raised():
    inputs = _inputs(mandatory=["R1", "R2"])
    result, _ = engine.run_all(inputs)
    assert result["feasible"] is False and result["selected"] == []
    assert result["pareto"]["points"] == []


def test_fairness_floor_protects_the_other_side():
    inputs = _inputs(weights={"product": 1, "operations": 0, "customer": 0},
                     fairness={"product": 0, "operations": 0.8})  # fmt: skip
    result, _ = engine.run_all(inputs)
    assert result["values"]["operations"] >= 0.8 * 18 - 1e-6


def test_adopting_a_point_replaces_the_selection_and_keeps_the_optimum():
    inputs = _inputs()
    result, _ = engine.run_all(inputs)
    points = result["pareto"]["points"]
    assert len(points) >= 2
    index = next(k for k, p in enumerate(points) if p["selected"] != result["selected"])
    adopted = engine.adopt(inputs, result, index)
    assert adopted["selected"] == points[index]["selected"]
    assert adopted["optimal_selected"] == result["selected"] and adopted["adopted"] == index
    assert engine.current_explanations(adopted) == {}
    with pytest.raises(IndexError):
        engine.adopt(inputs, result, 99)


def test_diff_lists_what_came_in_and_went_out():
    assert engine.diff(["a", "b"], ["b", "c"]) == {"came_in": ["c"], "went_out": ["a"]}


def test_engine_imports_nothing_from_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(engine.__file__).read_text())
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m.startswith(("django", "truce.planning.models"))]
