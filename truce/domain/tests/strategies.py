"""Hypothesis strategies for small random allocation problems, and a brute-force oracle."""

from __future__ import annotations

from itertools import chain, combinations

from hypothesis import strategies as st

from truce.domain.optimiser import Customer, Fairness, Item, Pool, Problem, Weights, violations
from truce.domain.optimiser.evaluate import lens_values, objective_of

SLOTS = [("team", "q1"), ("team", "q2"), ("budget", "q1")]


@st.composite
def items(draw: st.DrawFn, count: int, slots: list[tuple[str, str]]) -> list[Item]:
    result = []
    for k in range(count):
        earlier = [str(j) for j in range(k)]
        requires = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if k else []
        campaign = k > 0 and draw(st.booleans()) and draw(st.booleans())
        result.append(
            Item(
                id=str(k),
                product=draw(st.integers(-2, 10)),
                operations=draw(st.integers(0, 10)),
                customer=draw(st.integers(0, 3)),
                usage={s: draw(st.integers(0, 6)) for s in slots},
                requires=tuple(requires),
                promotes=(draw(st.sampled_from(earlier)),) if campaign else (),
                kind="campaign" if campaign else "requirement",
            )
        )
    return result


@st.composite
def problems(draw: st.DrawFn, max_items: int = 7, fairness: bool = True) -> Problem:
    count = draw(st.integers(1, max_items))
    slots = SLOTS[: draw(st.integers(1, len(SLOTS)))]
    ids = [str(k) for k in range(count)]
    capacity: dict[str, dict[str, float]] = {}
    for pool, period in slots:
        capacity.setdefault(pool, {})[period] = draw(st.integers(0, 15))
    subset = st.frozensets(st.sampled_from(ids), max_size=2)
    customers = draw(
        st.lists(
            st.builds(
                Customer,
                id=st.just(""),
                weight=st.integers(1, 10),
                wants=st.frozensets(st.sampled_from(ids), min_size=1, max_size=3),
            ),
            max_size=3,
        )
    )
    return Problem(
        items=tuple(draw(items(count, slots))),
        pools=tuple(Pool(p, c) for p, c in capacity.items()),
        customers=tuple(Customer(f"c{i}", c.weight, c.wants) for i, c in enumerate(customers)),
        mandatory=draw(st.one_of(st.just(frozenset()), subset)),
        excluded=draw(st.one_of(st.just(frozenset()), subset)),
        exclusive_groups=tuple(
            draw(
                st.lists(
                    st.frozensets(st.sampled_from(ids), min_size=min(2, count), max_size=3),
                    max_size=2,
                )
            )
        ),
        weights=Weights(*(draw(st.integers(0, 2)) for _ in range(3))),
        fairness=draw(
            st.none()
            | st.builds(Fairness, st.sampled_from([0, 0.5, 1]), st.sampled_from([0, 0.5, 1]))
        )
        if fairness
        else None,
    )


def subsets(problem: Problem) -> list[set[str]]:
    ids = [i.id for i in problem.items]
    every = chain.from_iterable(combinations(ids, r) for r in range(len(ids) + 1))
    return [set(s) for s in every if not violations(problem, s)]


def brute_force(problem: Problem) -> float | None:
    """The best objective over every valid subset, floors included; None when none is valid."""
    valid = subsets(problem)
    fair = problem.fairness
    if fair is not None and valid:
        alone = {
            side: max(lens_values(problem, s)[side] for s in valid)
            for side in ("product", "operations")
        }
        for side, best in alone.items():
            if getattr(fair, side) > 0 and best >= 0:
                floor = getattr(fair, side) * best
                valid = [s for s in valid if lens_values(problem, s)[side] >= floor - 1e-6]
    if not valid:
        return None
    return max(objective_of(problem, lens_values(problem, s)) for s in valid)
