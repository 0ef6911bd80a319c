from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings

from truce.domain.optimiser import (
    Customer,
    Fairness,
    Item,
    Pool,
    Problem,
    Weights,
    solve,
    violations,
)
from truce.domain.optimiser.evaluate import close, closures, lens_values
from truce.domain.optimiser.greedy import baselines
from truce.domain.optimiser.highs import Result
from truce.domain.optimiser.solve import (
    SolveOptions,
    _decode,
    _formulate,
    _integral,
    _reduce,
    chosen,
)
from truce.domain.tests.strategies import brute_force, problems

FAST = settings(max_examples=80, deadline=None)


def team(capacity: float) -> tuple[Pool, ...]:
    return (Pool("team", {"q1": capacity}),)


def work(item_id: str, effort: float, **values: float) -> Item:
    return Item(id=item_id, usage={("team", "q1"): effort}, **values)


@FAST
@given(problems())
def test_plan_is_valid_and_as_good_as_brute_force(problem: Problem) -> None:
    plan = solve(problem, time_limit=10)
    best = brute_force(problem)
    if best is None:
        assert plan.status == "infeasible"
        assert plan.selected == ()
        return
    assert plan.optimal
    assert violations(problem, plan.selected) == []
    assert plan.objective == pytest.approx(best)


@FAST
@given(problems(fairness=False))
def test_textbook_columns_agree_with_merged_ones(problem: Problem) -> None:
    merged = solve(problem, time_limit=10)
    textbook = solve(problem, time_limit=10, options=SolveOptions(merge=False, warm_start=False))
    assert merged.status == textbook.status
    assert merged.objective == pytest.approx(textbook.objective)


@FAST
@given(problems())
def test_fairness_floors_are_met(problem: Problem) -> None:
    plan = solve(problem, time_limit=10)
    if problem.fairness is None or not plan.feasible:
        return
    for side in ("product", "operations"):
        share = getattr(problem.fairness, side)
        solo = Weights(**{"product": 0, "operations": 0, "customer": 0, side: 1})
        alone = solve(replace(problem, fairness=None, weights=solo))
        if share > 0 and alone.values[side] >= 0:  # no floor: zero share, or a loss anyway
            assert plan.values[side] >= share * alone.values[side] - 1e-6


def test_reports_exact_sums_not_solver_floats() -> None:
    problem = Problem(
        items=(work("a", 0.1, product=0.1), work("b", 0.2, product=0.2)), pools=team(0.3)
    )
    plan = solve(problem)
    assert plan.selected == ("a", "b")
    assert plan.values["product"] == 0.1 + 0.2
    assert plan.usage[("team", "q1")] == 0.1 + 0.2


def test_prerequisite_comes_along() -> None:
    items = (
        work("base", 3),
        Item("feature", product=10, usage={("team", "q1"): 2}, requires=("base",)),
    )
    plan = solve(Problem(items=items, pools=team(5)))
    assert plan.selected == ("base", "feature")
    assert plan.optimal and plan.gap == 0


def test_campaign_needs_the_feature_it_promotes() -> None:
    items = (
        work("feature", 4),
        Item(
            "launch",
            operations=9,
            kind="campaign",
            usage={("team", "q1"): 1},
            promotes=("feature",),
        ),
    )
    assert solve(Problem(items=items, pools=team(4))).selected == ()
    assert solve(Problem(items=items, pools=team(5))).selected == ("feature", "launch")


def test_mutually_exclusive_items() -> None:
    items = (work("a", 1, product=5), work("b", 1, product=4), work("c", 1, product=1))
    problem = Problem(items=items, pools=team(3), exclusive_groups=(frozenset({"a", "b"}),))
    assert solve(problem).selected == ("a", "c")


def test_mandatory_and_excluded() -> None:
    items = (work("a", 2, product=1), work("b", 2, product=9), work("c", 2, product=5))
    problem = Problem(
        items=items, pools=team(4), mandatory=frozenset({"a"}), excluded=frozenset({"b"})
    )
    assert solve(problem).selected == ("a", "c")


def test_mandatory_over_capacity_is_infeasible() -> None:
    problem = Problem(items=(work("a", 5),), pools=team(4), mandatory=frozenset({"a"}))
    plan = solve(problem)
    assert plan.status == "infeasible" and not plan.optimal and not plan.feasible


def test_mandatory_items_that_fit_alone_but_not_together_are_infeasible() -> None:
    # Found by hypothesis: with every item fixed there are no columns left, only the rows.
    items = (work("a", 1), work("b", 0), work("c", 1))
    problem = Problem(items=items, pools=team(1), mandatory=frozenset({"a", "c"}))
    for options in (SolveOptions(), SolveOptions(integer_customers=False)):
        plan = solve(problem, options=options)
        assert plan.status == "infeasible" and not plan.feasible


def test_customer_counts_only_when_everything_it_asked_for_is_in() -> None:
    items = (work("x", 3), work("y", 3), work("z", 2))
    customers = (Customer("big", 10, frozenset({"x", "y"})), Customer("small", 4, frozenset("z")))
    plan = solve(Problem(items=items, pools=team(6), customers=customers))
    assert plan.satisfied_customers == ("big",)
    assert plan.values["customer"] == 10


def test_fairness_floor_changes_the_plan() -> None:
    items = (work("p", 4, product=10), work("o", 4, operations=6))
    problem = Problem(items=items, pools=team(4))
    assert solve(problem).selected == ("p",)
    fair = Problem(items=items, pools=team(4), fairness=Fairness(operations=0.5))
    plan = solve(fair)
    assert plan.selected == ("o",)
    assert lens_values(fair, plan.selected)["operations"] == 6


def test_plan_compares_with_the_manual_rankings() -> None:
    items = (work("a", 3), work("b", 3), work("c", 4))
    customers = (
        Customer("1", 5, frozenset("ab")),
        Customer("2", 4, frozenset("c")),
        Customer("3", 4, frozenset("a")),
    )
    plan = solve(Problem(items=items, pools=team(7), customers=customers))
    assert plan.objective == 9
    assert set(plan.baselines) == {"items", "customers"}
    assert all(value <= plan.objective for value in plan.baselines.values())


def test_empty_problem() -> None:
    plan = solve(Problem(items=()))
    assert plan.optimal and plan.selected == () and plan.objective == 0


def test_unknown_reference_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown item"):
        Problem(items=(Item("a", requires=("ghost",)),))


def test_integral_objective_rounds_the_bound_down() -> None:
    # Plans of an integral objective score whole numbers: a bound below the next one proves.
    found = Result("time_limit", True, (1.0,), 10.0, 10.6, 0.06)
    assert _integral(found) == Result("optimal", True, (1.0,), 10.0, 10.0, 0.0)
    loose = Result("time_limit", True, (1.0,), 10.0, 12.4, 0.24)
    assert _integral(loose).status == "time_limit" and _integral(loose).bound == 12
    assert _integral(Result("infeasible", False, (), -math.inf, -math.inf, math.inf)).bound < 0


def test_fractional_weights_keep_the_exact_gap() -> None:
    items = (work("a", 2, product=0.5), work("b", 2, product=0.25), work("c", 3, product=0.7))
    plan = solve(Problem(items=items, pools=team(4)))
    assert plan.optimal and plan.objective == pytest.approx(0.75) and plan.gap == 0


@FAST
@given(problems())
def test_continuous_customer_columns_reach_the_same_optimum(problem: Problem) -> None:
    plan = solve(problem, time_limit=10, options=SolveOptions(integer_customers=False))
    best = brute_force(problem)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.optimal and plan.gap == 0
    assert violations(problem, plan.selected) == []
    assert plan.objective == pytest.approx(best)


@FAST
@given(problems())
def test_a_warm_start_reaches_the_same_optimum(problem: Problem) -> None:
    # Off by default (an early incumbent slows HiGHS's diving search), kept for comparison.
    plan = solve(problem, time_limit=10, options=SolveOptions(warm_start=True))
    best = brute_force(problem)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.optimal and violations(problem, plan.selected) == []
    assert plan.objective == pytest.approx(best)


def test_a_search_cut_short_never_answers_worse_than_the_manual_plan() -> None:
    items = (work("a", 3, product=5), work("b", 3, product=4), work("c", 2, product=1))
    problem = Problem(items=items, pools=team(6))
    reduced = _reduce(problem, SolveOptions())
    manual = baselines(problem)
    best_manual = max(manual.values(), key=lambda plan: plan.objective)
    assert reduced is not None and best_manual.objective == 9
    only_c = tuple(float(c.members == ("c",)) for c in reduced.columns)
    worse = Result("time_limit", True, only_c, 1.0, 9.5, 8.5)
    plan = _decode(problem, reduced, worse, best_manual, manual, 0.1)
    assert set(plan.selected) == set(best_manual.selected) == {"a", "b"}
    assert plan.status == "time_limit" and not plan.optimal
    assert plan.objective == 9 and plan.gap == pytest.approx(0.5 / 9)


def _useless(problem: Problem, selected: set[str]) -> set[str]:
    """Selected items with no value of their own that nothing in the plan needs."""
    closure = closures(problem)
    grouped = set().union(*problem.exclusive_groups) if problem.exclusive_groups else set()
    needed = close(problem.mandatory, closure)
    for customer in problem.customers:
        if customer.weight > 0 and close(customer.wants, closure) <= selected:
            needed |= close(customer.wants, closure)
    valued = {i.id for i in problem.items if i.product or i.operations or i.customer}
    for item_id in selected & valued:
        needed |= closure[item_id]
    return selected - needed - grouped - valued


@FAST
@given(problems())
def test_plan_carries_no_work_nobody_needs(problem: Problem) -> None:
    plan = solve(problem, time_limit=10)
    assert _useless(problem, set(plan.selected)) == set()


def test_a_merged_column_on_by_itself_is_dropped() -> None:
    # Nothing forbids the solver to switch on a prerequisite column whose customer is off (it
    # only spends capacity): decoding keeps it only when someone who needs it is on.
    items = (work("base", 2), work("x", 9), work("z", 1))
    customers = (Customer("c", 5, frozenset({"base", "x"})), Customer("d", 1, frozenset("z")))
    problem = Problem(items=items, pools=team(10), customers=customers)
    reduced = _reduce(problem, SolveOptions())
    assert reduced is not None and _formulate(reduced, {}, SolveOptions()) is not None
    kinds = [column.kind for column in reduced.columns]
    customer_c = next(k for k, c in enumerate(reduced.columns) if c.members == ("c",))
    customer_d = next(k for k, c in enumerate(reduced.columns) if c.members == ("d",))
    x = [1.0 if kind == "group" else 0.0 for kind in kinds]
    x[customer_d] = 1.0
    assert chosen(reduced, x) == {"z"}
    x[customer_c] = 1.0
    assert chosen(reduced, x) == {"base", "x", "z"}
    assert solve(problem).selected == ("z",)
