from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from truce.domain.optimiser import Item, Pool, Problem, pareto, violations
from truce.domain.optimiser.evaluate import lens_values
from truce.domain.optimiser.pareto import _bisection_order
from truce.domain.tests.strategies import problems, subsets


def random_problem(seed: int, count: int = 25) -> Problem:
    rng = random.Random(seed)
    items = tuple(
        Item(
            str(k),
            product=rng.randint(0, 20),
            operations=rng.randint(0, 20),
            usage={("team", "q1"): rng.randint(1, 9), ("team", "q2"): rng.randint(0, 9)},
            requires=(str(rng.randrange(k)),) if k and rng.random() < 0.2 else (),
        )
        for k in range(count)
    )
    return Problem(items=items, pools=(Pool("team", {"q1": 40, "q2": 30}),))


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_points_are_valid_non_dominated_and_monotone(seed: int) -> None:
    problem = random_problem(seed)
    front = pareto(problem, max_points=8, time_limit=10)
    points = front.points
    assert 1 <= len(points) <= 8
    assert front.complete
    for a, b in itertools.pairwise(points):
        assert a.operations < b.operations and a.product > b.product
    for p in points:
        assert violations(problem, p.plan.selected) == []
        assert p.proven
        assert (p.product, p.operations) == (p.plan.values["product"], p.plan.values["operations"])


@settings(max_examples=60, deadline=None)
@given(problems(max_items=7, fairness=False))
def test_proven_points_are_not_dominated_by_any_plan(problem: Problem) -> None:
    """Brute force: no valid plan beats a proven point on one lens without losing on the other,
    the ends reach the best product and the best operations value, and the points are valid."""
    front = pareto(problem, max_points=6, time_limit=10)
    plans = [lens_values(problem, s) for s in subsets(problem)]
    if not plans:
        assert front.points == ()
        return
    assert front.points and front.complete
    for a, b in itertools.pairwise(front.points):
        assert a.operations < b.operations and a.product > b.product
    for p in front.points:
        assert violations(problem, p.plan.selected) == []
        assert p.proven and p.gap == 0
        for v in plans:
            better = v["product"] >= p.product - 1e-9 and v["operations"] >= p.operations - 1e-9
            assert not (better and v["product"] + v["operations"] > p.product + p.operations + 1e-6)
    assert abs(front.points[0].product - max(v["product"] for v in plans)) < 1e-3
    assert abs(front.points[-1].operations - max(v["operations"] for v in plans)) < 1e-3


def test_points_on_a_large_problem_are_feasible_and_ordered() -> None:
    # How fast the curve is found is measured by bench/pareto.py, never asserted here.
    problem = random_problem(3, count=300)
    front = pareto(problem, max_points=4, time_limit=120.0)
    assert len(front.points) >= 2
    for a, b in itertools.pairwise(front.points):
        assert a.operations < b.operations and a.product > b.product
    for p in front.points:
        assert violations(problem, p.plan.selected) == []
        assert p.proven == (p.gap == 0)
        assert front.max_gap >= p.gap >= 0


def test_ends_and_the_middle_of_a_small_curve() -> None:
    items = (
        Item("p", product=10, usage={("team", "q1"): 5}),
        Item("o", operations=10, usage={("team", "q1"): 5}),
        Item("mix", product=6, operations=6, usage={("team", "q1"): 5}),
    )
    front = pareto(Problem(items=items, pools=(Pool("team", {"q1": 10}),)), max_points=5)
    assert [(p.product, p.operations) for p in front.points] == [(16, 6), (10, 10), (6, 16)]
    assert [p.plan.selected for p in front.points] == [("p", "mix"), ("p", "o"), ("o", "mix")]


def test_no_trade_off_gives_one_point() -> None:
    items = (Item("a", product=3, operations=3, usage={("team", "q1"): 1}),)
    front = pareto(Problem(items=items, pools=(Pool("team", {"q1": 1}),)))
    assert len(front.points) == 1


def test_out_of_time_returns_what_it_found() -> None:
    front = pareto(random_problem(1, count=40), max_points=20, time_limit=0.0)
    assert not front.complete


def test_bisection_order_visits_everything_spread_out() -> None:
    assert _bisection_order(7) == [3, 1, 5, 0, 2, 4, 6]
    assert sorted(_bisection_order(10)) == list(range(10))
