"""Next Release Problem benchmark: every instance at ratios 0.3/0.5/0.7 against optima.csv.

    .venv/bin/python bench/nrp.py [--dir PATH] [--time-limit S] [--only nrp2,nrp4]

Never run by the test suite. The instances are read from ../shared/benchmarks/nrp (outside the
repository: they carry no licence and must not be copied in).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from truce.domain.optimiser import SolveOptions, nrp_problem, read_nrp, solve
from truce.domain.optimiser.highs import use_threads

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "nrp"
HEADER = (
    f"{'instance':<8} {'ratio':>5} {'value':>6} {'optimum':>7} {'gap':>7} {'seconds':>8}"
    f" {'by item':>7} {'%':>5} {'by cust':>7} {'%':>5}"
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--no-merge", action="store_true", help="textbook columns (for timing)")
    parser.add_argument(
        "--warm-start", action="store_true", help="start HiGHS from the best manual plan"
    )
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads (default 1)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="OPTION=VALUE", help="extra HiGHS option"
    )
    return parser.parse_args()


def _setting(text: str) -> tuple[str, bool | int | float]:
    name, _, raw = text.partition("=")
    value: bool | int | float
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    else:
        try:
            value = int(raw)
        except ValueError:
            value = float(raw)
    return name.strip(), value


def _rows(directory: Path, only: str) -> list[dict[str, str]]:
    with (directory / "optima.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = set(filter(None, only.split(",")))
    return [row for row in rows if not names or row["instance"] in names]


def _line(row: dict[str, str], plan, optimum: int) -> str:
    manual = plan.baselines
    by_item, by_customer = manual.get("items", 0.0), manual.get("customers", 0.0)
    return (
        f"{row['instance']:<8} {row['ratio']:>5} {plan.objective:>6.0f} {optimum:>7} "
        f"{plan.gap:>7.4f} {plan.seconds:>8.2f} {by_item:>7.0f} {100 * by_item / optimum:>5.1f}"
        f" {by_customer:>7.0f} {100 * by_customer / optimum:>5.1f}"
        + ("" if plan.optimal and plan.objective == optimum else "  <-- not proven optimum")
    )


def main() -> int:
    args = _arguments()
    if not (args.dir / "optima.csv").exists():
        print(f"no benchmark instances in {args.dir}", file=sys.stderr)
        return 2
    options = SolveOptions(
        merge=not args.no_merge,
        warm_start=args.warm_start,
        settings=tuple(_setting(text) for text in args.set),
    )
    use_threads(args.threads)
    print(HEADER)
    seconds, shares, hits = [], {"items": [], "customers": []}, 0
    instances = {}
    for row in _rows(args.dir, args.only):
        name = row["instance"]
        instances.setdefault(name, read_nrp(args.dir / f"{name}.txt"))
        problem = nrp_problem(instances[name], row["ratio"])
        plan = solve(problem, time_limit=args.time_limit, options=options)
        optimum = int(row["optimum"])
        print(_line(row, plan, optimum), flush=True)
        seconds.append(plan.seconds)
        hits += plan.optimal and plan.objective == optimum
        for key in shares:
            shares[key].append(plan.baselines.get(key, 0.0) / optimum)
    print(
        f"proven optimum on {hits}/{len(seconds)}; seconds median "
        f"{statistics.median(seconds):.2f}, max {max(seconds):.2f}, total {sum(seconds):.1f}"
    )
    print(
        "greedy mean % of optimum: by item "
        f"{100 * statistics.mean(shares['items']):.1f}, by customer "
        f"{100 * statistics.mean(shares['customers']):.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
