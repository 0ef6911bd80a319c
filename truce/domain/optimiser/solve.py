"""Exact portfolio selection: reduce the problem, formulate a tight MILP, solve it with HiGHS.

Reductions (each keeps at least one optimal plan):
- items that can never be chosen (excluded, needing an excluded item, breaking an exclusive group
  on their own, or over capacity with their prerequisites) are fixed out, mandatory items and
  their prerequisites fixed in;
- "passive" items (no value of their own, in no exclusive group) are only worth choosing for
  someone who needs them: a customer, or a valuable item that requires them. Passive items nobody
  needs are dropped; those needed by exactly the same set of customers and items are chosen
  together in some optimal plan, so they merge into one column (this also removes symmetry);
- customers needing the same columns merge (weights add), customers with no positive weight go.

Formulation: a binary per column; customer y ≤ x for every column it needs (disaggregated, which
is much tighter than one aggregated row); an item ≤ each column of its prerequisite closure. A
passive column taken although nobody who needs it is taken only spends capacity: it never raises
the objective, so no row forbids it (a row "passive ≤ the sum of those who need it" never binds in
an LP optimum and made every node slower: nrp2 at 0.3 and 0.5 went from 19 and 24 s to 14 and
13 s without it); decoding drops such columns, so a plan never carries work nobody needs.

Solving: in customer columns the LP is the capacity applied to the convex closure (Lovász
extension) of the cost of a set of customers, so budget-with-closure cuts add nothing to it; the
gap left on the hard NRP instances is spread so evenly that fixing any single column at the root
(nrp2 at 0.3) keeps the LP bound above the optimum: what remains is branching. With integral
objective coefficients every plan scores an integer, so a bound less than 1 above the best plan
proves it: customer columns are marked integer so HiGHS sees this and prunes by it, and a
time-limited bound is reported rounded down. HiGHS then searches by diving, without primal
heuristics, strong branching or a start plan (see `SETTINGS`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from truce.domain.optimiser.evaluate import EPS, close, closures, make_plan, usage_of
from truce.domain.optimiser.greedy import baselines
from truce.domain.optimiser.highs import BinaryModel, Result, solve_binary
from truce.domain.optimiser.model import Fairness, Plan, Problem, Weights

SIDES = ("product", "operations")


@dataclass(frozen=True)
class SolveOptions:
    """Formulation switches, kept so the benchmark can show what each one is worth."""

    merge: bool = True
    link: bool = True
    warm_start: bool = False
    """Hand HiGHS the best manual plan as a start. Off: with `SETTINGS` an early incumbent, even a
    fair one, turns HiGHS's search from diving into a slow sweep (nrp2 at 0.3: 8-10 s without a
    start, 56 and 88 s from the greedy plan's 4,195 under seeds 0 and 1). The manual plans are
    still the fallback when the time limit leaves HiGHS without a plan."""
    settings: tuple[tuple[str, bool | int | float], ...] = ()
    """HiGHS options on top of `SETTINGS` (the benchmark uses this to compare them)."""
    integer_customers: bool = True
    """Customer columns binary too (integral at every vertex once the rest is, but marking them
    lets HiGHS see that the objective is integral and prune by it: fewer nodes on NRP)."""


TREE_SETTINGS = {"mip_allow_cut_separation_at_nodes": False, "mip_allow_restart": False}
"""No cuts below the root and no restarts, for every MILP here: the Pareto sweep uses these
alone (20 points on bench/pareto.py's 500-item problems, seeds 1/2/3: all 20 proven in 7.8/4.7/
8.0 s, against 14/20/17 proven when the 10 s budget ran out with HiGHS's defaults)."""

SETTINGS = {
    "mip_heuristic_effort": 0.0,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_pscost_minreliable": 0,
    **TREE_SETTINGS,
}
"""HiGHS options measured on the slow NRP instances (bench/nrp.py --set compares them).

The search dives: no primal heuristics and no strong branching. The LP relaxation is close to
integral, so HiGHS's own dives find good plans from the first second (nrp2 at 0.3: 4,843 at
1.0 s) and every node stays cheap (about 5 ms, against 9 ms with strong branching and sub-MIP
heuristics). nrp2 at 0.3/0.5 went from 13.7/13.3 s to 8.6-8.8/9.4-9.7 s on the same machine,
although the tree grew from 1,150 to 1,394 nodes at 0.3:
- sub-MIP heuristics (RINS, RENS, root reduced cost) spent about 2 s per hard solve on plans the
  dives find anyway; feasibility jump's early plan, like a warm start, slows the search 4x;
- strong branching took 28,000 of 54,000 simplex iterations at the root and saved few nodes;
- no cut separation below the root: its cuts never moved the bound on NRP (it falls by
  branching alone) and cost a third of the time per node; with the dives, cuts at nodes double
  the time;
- no restarts: on nrp4 at 0.5 the root was solved, restarted three times after a few columns
  were fixed and re-solved with new sub-MIP heuristics each time.
"""


@dataclass
class _Column:
    kind: str  # "item", "group" or "customer"
    members: tuple[str, ...]
    cost: float = 0.0


@dataclass
class _Reduced:
    problem: Problem
    fixed_in: set[str]
    fixed_out: set[str]
    columns: list[_Column]
    column_of_item: dict[str, int]
    needs: dict[int, set[int]]  # column -> columns it cannot go without
    offset: float


def solve(
    problem: Problem, time_limit: float = 30.0, *, options: SolveOptions | None = None
) -> Plan:
    """The best plan for `problem`, proven optimal unless the time limit cuts the search short."""
    started = time.perf_counter()
    options = options or SolveOptions()
    floors: dict[str, float] = {}
    if problem.fairness is not None:
        floors = _floors(problem, problem.fairness, time_limit / 4, options)
    manual = baselines(problem)
    remaining = time_limit - (time.perf_counter() - started)
    plan = _solve_core(problem, floors, remaining, options, manual)
    return replace(plan, seconds=time.perf_counter() - started)


def _floors(
    problem: Problem, fairness: Fairness, time_limit: float, options: SolveOptions
) -> dict[str, float]:
    """Each side's floor: its share of the best it reaches alone (the best plan found, so the
    floor is always achievable for that side even when the solo solve hits its time limit).
    A side whose best alone is 0 is still promised 0 (the others' choices may not cost it);
    a side that cannot avoid a loss even alone gets no floor: a share of a loss is no promise
    worth keeping, and would make every plan infeasible."""
    floors = {}
    for side in SIDES:
        share = getattr(fairness, side)
        if share > 0:
            solo = replace(
                problem,
                weights=Weights(**{lens: 0.0 for lens in ("customer", *SIDES)} | {side: 1.0}),
                fairness=None,
            )
            best = _solve_core(solo, {}, time_limit, options, {})
            if best.feasible and best.values[side] >= 0:
                floors[side] = share * best.values[side]
    return floors


def _solve_core(
    problem: Problem,
    floors: Mapping[str, float],
    time_limit: float,
    options: SolveOptions,
    manual: Mapping[str, Plan],
) -> Plan:
    started = time.perf_counter()
    reduced = _reduce(problem, options)
    model = _formulate(reduced, floors, options)
    valid = [p for p in manual.values() if p.feasible and _meets(p, floors)]
    start = max(valid, key=lambda p: p.objective, default=None)
    warm = _encode(reduced, set(start.selected)) if start and options.warm_start else None
    if reduced is None or model is None:
        result = Result("infeasible", False, (), -math.inf, -math.inf, math.inf)
    elif model.num_cols == 0:
        # Nothing left to choose: the rows still hold (mandatory work alone may overflow).
        rows = zip(model.row_lower, model.row_upper, strict=True)
        if all(lo <= 1e-9 and up >= -1e-9 for lo, up in rows):
            result = Result("optimal", True, (), model.offset, model.offset, 0.0)
        else:
            result = Result("infeasible", False, (), -math.inf, -math.inf, math.inf)
    else:
        integral = all(float(v).is_integer() for v in (*model.costs, model.offset))
        result = solve_binary(
            model,
            time_limit=time_limit,
            start=warm,
            integer=None if options.integer_customers else _requirement_columns(reduced),
            settings={**SETTINGS, **dict(options.settings)},
        )
        if integral:
            result = _integral(result)
    return _decode(problem, reduced, result, start, manual, time.perf_counter() - started)


def _requirement_columns(reduced: _Reduced) -> list[bool]:
    return [c.kind != "customer" for c in reduced.columns]


def _integral(result: Result) -> Result:
    """With integral objective coefficients every plan's objective is an integer, so the
    optimum is at most the bound rounded down: a solution within 1 of the bound is optimal
    (even when the time limit stopped HiGHS), and the reported bound is rounded down."""
    if not result.has_solution or not math.isfinite(result.bound):
        return result
    bound = math.floor(result.bound + 1e-6)
    if bound > result.objective + 1e-6:
        return replace(result, bound=bound)
    return replace(result, status="optimal", bound=result.objective, gap=0.0)


def _meets(plan: Plan, floors: Mapping[str, float]) -> bool:
    return all(plan.values[side] >= floor - 1e-6 for side, floor in floors.items())


def _fixed(problem: Problem, closure: Mapping[str, frozenset[str]]) -> tuple[set[str], set[str]]:
    capacity = problem.capacities()
    out: set[str] = set()
    for item in problem.items:
        bundle = closure[item.id] | {item.id}
        usage = usage_of(problem, bundle)
        if (
            bundle & problem.excluded
            or any(len(g & bundle) > 1 for g in problem.exclusive_groups)
            or any(usage[s] > capacity[s] + EPS for s in usage)
        ):
            out.add(item.id)
    return close(problem.mandatory, closure), out


def _is_passive(problem: Problem, item_id: str, grouped: set[str]) -> bool:
    item = problem.item(item_id)
    return item_id not in grouped and not (item.product or item.operations or item.customer)


def _reduce(problem: Problem, options: SolveOptions) -> _Reduced | None:
    closure = closures(problem)
    fixed_in, fixed_out = _fixed(problem, closure)
    if fixed_in & fixed_out:
        return None
    grouped = set().union(*problem.exclusive_groups) if problem.exclusive_groups else set()
    free = [i.id for i in problem.items if i.id not in fixed_in | fixed_out]
    active = [i for i in free if not (options.merge and _is_passive(problem, i, grouped))]
    passive = [i for i in free if options.merge and _is_passive(problem, i, grouped)]
    w = problem.weights.customer
    customers = {}
    offset = sum(
        problem.weights.of(lens) * problem.item(i).value(lens)
        for i in fixed_in
        for lens in ("product", "operations", "customer")
    )
    for c in problem.customers:
        needed = close(c.wants, closure)
        if w * c.weight <= 0 or needed & fixed_out:
            continue
        if needed <= fixed_in:
            offset += w * c.weight
        else:
            customers[c.id] = (needed - fixed_in, w * c.weight)
    return _columns(problem, closure, fixed_in, fixed_out, active, passive, customers, offset)


def _columns(
    problem: Problem,
    closure: Mapping[str, frozenset[str]],
    fixed_in: set[str],
    fixed_out: set[str],
    active: list[str],
    passive: list[str],
    customers: Mapping[str, tuple[set[str], float]],
    offset: float,
) -> _Reduced:
    weights = problem.weights
    columns = [
        _Column(
            "item",
            (i,),
            sum(
                weights.of(lens) * problem.item(i).value(lens)
                for lens in ("product", "operations", "customer")
            ),
        )
        for i in active
    ]
    column_of_item = {i: k for k, i in enumerate(active)}
    # Who needs each passive item: customers and active items whose closure contains it.
    needers: dict[str, set[str]] = {p: set() for p in passive}
    for cid, (needed, _) in customers.items():
        for p in needed:
            if p in needers:
                needers[p].add("c:" + cid)
    for a in active:
        for p in closure[a]:
            if p in needers:
                needers[p].add("i:" + a)
    groups: dict[frozenset[str], list[str]] = {}
    for p in passive:
        if needers[p]:  # passive items nobody needs are left out
            groups.setdefault(frozenset(needers[p]), []).append(p)
    for members in groups.values():
        for p in members:
            column_of_item[p] = len(columns)
        columns.append(_Column("group", tuple(members)))
    fixed_out = fixed_out | {p for p in passive if not needers[p]}
    needs: dict[int, set[int]] = {}
    for a in active:
        needs[column_of_item[a]] = {column_of_item[p] for p in closure[a] - fixed_in}
    merged: dict[frozenset[int], list[str]] = {}
    for cid, (needed, _) in customers.items():
        merged.setdefault(frozenset(column_of_item[i] for i in needed), []).append(cid)
    by_id = dict(customers)
    for cols, ids in merged.items():
        needs[len(columns)] = set(cols)
        columns.append(_Column("customer", tuple(ids), sum(by_id[c][1] for c in ids)))
    return _Reduced(problem, fixed_in, fixed_out, columns, column_of_item, needs, offset)


def _formulate(
    reduced: _Reduced | None, floors: Mapping[str, float], options: SolveOptions
) -> BinaryModel | None:
    if reduced is None:
        return None
    problem, columns = reduced.problem, reduced.columns
    model = BinaryModel(
        costs=[c.cost for c in columns],
        lower_bounds=[0.0] * len(columns),
        upper_bounds=[1.0] * len(columns),
        offset=reduced.offset,
    )
    _capacity_rows(model, reduced)
    if options.link:
        _dominance_rows(model, reduced)
    else:
        for k, needed in reduced.needs.items():
            for j in sorted(needed):
                model.add_row(-math.inf, 0.0, [(k, 1.0), (j, -1.0)])
    for group in problem.exclusive_groups:
        inside = len(group & reduced.fixed_in)
        cols = sorted({reduced.column_of_item[i] for i in group if i in reduced.column_of_item})
        if cols:
            model.add_row(-math.inf, 1.0 - inside, [(k, 1.0) for k in cols])
        elif inside > 1:
            return None
    for side, floor in floors.items():
        base = sum(problem.item(i).value(side) for i in reduced.fixed_in)
        terms = [
            (k, problem.item(c.members[0]).value(side))
            for k, c in enumerate(columns)
            if c.kind == "item"
        ]
        model.add_row(floor - base - 1e-6, math.inf, terms)
    return model


def _capacity_rows(model: BinaryModel, reduced: _Reduced) -> None:
    problem = reduced.problem
    used = usage_of(problem, reduced.fixed_in)
    for slot, cap in problem.capacities().items():
        coef: dict[int, float] = {}
        for k, column in enumerate(reduced.columns):
            if column.kind != "customer":
                total = sum(problem.item(i).usage.get(slot, 0.0) for i in column.members)
                if total:
                    coef[k] = total
        if coef:
            model.add_row(-math.inf, cap - used[slot], sorted(coef.items()))
        elif used[slot] > cap + EPS:
            model.add_row(-math.inf, -1.0, [])  # mandatory work alone overflows: infeasible


def _dominance_rows(model: BinaryModel, reduced: _Reduced) -> None:
    """`k ≤ j` for each column j that k needs, stated through a chain of merged columns.

    A merged column g is worth taking only for one of its needers N(g) (`chosen` drops it
    otherwise), so when N(g) ⊊ N(h) every plan that takes g for one of N(g) takes h: `g ≤ h` is
    valid, and it is stated only for the
    direct successors of g. A column k that needs both g and h then needs only `k ≤ g`: the
    chain implies `k ≤ h`. Same LP bound as one row per pair, with far fewer rows (a customer
    needing a deep prerequisite chain gets one row, not one per level).
    """
    needed_by: dict[int, set[int]] = {}
    for k, needed in reduced.needs.items():
        for j in needed:
            needed_by.setdefault(j, set()).add(k)
    above: dict[int, set[int]] = {}
    for g, needers in needed_by.items():
        if reduced.columns[g].kind != "group":
            continue
        common = None
        for k in needers:
            common = set(reduced.needs[k]) if common is None else common & reduced.needs[k]
        above[g] = {h for h in common or () if h != g and reduced.columns[h].kind == "group"}
    for g in sorted(above):
        for h in sorted(above[g]):
            if not any(h in above[m] for m in above[g]):
                model.add_row(-math.inf, 0.0, [(g, 1.0), (h, -1.0)])
    for k, needed in reduced.needs.items():
        for j in sorted(needed):
            if not any(j in above.get(m, ()) for m in needed):
                model.add_row(-math.inf, 0.0, [(k, 1.0), (j, -1.0)])


def _encode(reduced: _Reduced | None, selected: set[str]) -> list[float] | None:
    """A known plan as a start vector for HiGHS (a merged column is on only if all of it is)."""
    if reduced is None:
        return None
    x = [0.0] * len(reduced.columns)
    for k, column in enumerate(reduced.columns):
        if column.kind == "item":
            x[k] = float(column.members[0] in selected)
    for k, needed in reduced.needs.items():
        if reduced.columns[k].kind == "customer":
            x[k] = float(all(_on(reduced, j, selected) for j in needed))
    wanted: set[int] = set()
    for k, needed in reduced.needs.items():
        if x[k]:
            wanted |= needed
    for k, column in enumerate(reduced.columns):
        if column.kind == "group":
            x[k] = float(k in wanted and set(column.members) <= selected)
    return x


def chosen(reduced: _Reduced, x: Sequence[float]) -> set[str]:
    """The items a solution vector selects: the fixed-in ones, every item column on, and every
    merged passive column on that someone on needs (one on by itself only spends capacity)."""
    on = [v > 0.5 for v in x]
    wanted: set[int] = set()
    for k, needed in reduced.needs.items():
        if on[k]:
            wanted |= needed
    selected = set(reduced.fixed_in)
    for k, column in enumerate(reduced.columns):
        if on[k] and (column.kind == "item" or (column.kind == "group" and k in wanted)):
            selected.update(column.members)
    return selected


def _on(reduced: _Reduced, k: int, selected: set[str]) -> bool:
    return set(reduced.columns[k].members) <= selected


def _decode(
    problem: Problem,
    reduced: _Reduced | None,
    result: Result,
    fallback: Plan | None,
    manual: Mapping[str, Plan],
    seconds: float,
) -> Plan:
    scores = {name: plan.objective for name, plan in manual.items() if plan.feasible}
    # Without a warm start, a search cut short can hold a plan worse than the manual one: the
    # manual plan (feasible, floors met) is then the answer, with the solver's bound and its gap.
    beaten = (
        fallback is not None
        and result.status != "optimal"
        and result.objective < fallback.objective - 1e-6 * max(1.0, abs(fallback.objective))
    )
    if result.has_solution and reduced is not None and not beaten:
        selected = chosen(reduced, result.x)
    elif fallback is not None and result.status != "infeasible":
        selected = set(fallback.selected)
    else:
        status = "infeasible" if result.status == "infeasible" else "no_solution"
        return make_plan(
            problem,
            set(),
            status=status,
            bound=result.bound,
            seconds=seconds,
            gap=math.inf,
            baselines=scores,
        )
    optimal = result.status == "optimal" and not beaten
    gap = result.gap if result.has_solution and not beaten else None
    return make_plan(
        problem,
        selected,
        status=result.status,
        bound=result.bound,
        seconds=seconds,
        optimal=optimal,
        gap=gap,
        baselines=scores,
    )
