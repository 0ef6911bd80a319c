"""Pareto curve benchmark: 20 points on a synthetic 500-item problem within a 10 s budget.

    .venv/bin/python bench/pareto.py [--items 500] [--points 20] [--time-limit 10] [--seed 1]

Never run by the test suite.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from truce.domain.optimiser import Item, Pool, Problem, pareto

SLOTS = [(pool, period) for pool in ("engineering", "marketing") for period in ("q1", "q2")]


def synthetic(count: int, seed: int) -> Problem:
    """Features carry mostly product value, campaigns mostly operations value and promote a
    feature; a tenth of the features need an earlier one. Capacity is 30% of total demand."""
    rng = random.Random(seed)
    items = []
    for k in range(count):
        campaign = k > 10 and rng.random() < 0.3
        lead = rng.uniform(5, 50)
        usage = {slot: rng.randint(0, 8) for slot in rng.sample(SLOTS, 2)}
        needs = (str(rng.randrange(k)),) if k and rng.random() < 0.1 else ()
        items.append(
            Item(
                str(k),
                product=round(lead if not campaign else lead * rng.uniform(0, 0.3), 1),
                operations=round(lead if campaign else lead * rng.uniform(0, 0.3), 1),
                usage=usage,
                requires=() if campaign else needs,
                promotes=(str(rng.randrange(k)),) if campaign else (),
                kind="campaign" if campaign else "requirement",
            )
        )
    totals = {slot: sum(i.usage.get(slot, 0) for i in items) for slot in SLOTS}
    pools: dict[str, dict[str, float]] = {}
    for (pool, period), total in totals.items():
        pools.setdefault(pool, {})[period] = round(0.3 * total)
    return Problem(items=tuple(items), pools=tuple(Pool(p, c) for p, c in pools.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    problem = synthetic(args.items, args.seed)
    front = pareto(problem, max_points=args.points, time_limit=args.time_limit)
    print(f"{'product':>9} {'operations':>10} {'items':>5} {'gap':>8} proven")
    for point in front.points:
        size = len(point.plan.selected)
        print(
            f"{point.product:>9.1f} {point.operations:>10.1f} {size:>5} {point.gap:>8.1e} "
            f"{point.proven}"
        )
    print(
        f"{len(front.points)} points ({front.proven} proven, max gap {front.max_gap:.1e}) "
        f"in {front.seconds:.2f} s; complete: {front.complete}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
