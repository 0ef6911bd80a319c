"""`truce nrp FILE`: solve a Next Release Problem benchmark instance and print the result."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation

from truce.domain.optimiser import NrpFormatError, nrp_budget, nrp_problem, read_nrp, solve
from truce.domain.optimiser.nrp import PERIOD, POOL


def _ratio(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"ratio must be between 0 and 1, got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="NRP instance (Xuan et al. format)")
    parser.add_argument(
        "--ratio",
        type=_ratio,
        default=Decimal("0.5"),
        help="budget as a share of the total cost (default 0.5)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _number(value: float) -> int | float:
    return round(value) if abs(value - round(value)) < 1e-9 else value


def run(args: argparse.Namespace) -> int:
    try:
        instance = read_nrp(args.file)
    except (OSError, NrpFormatError) as error:
        print(f"truce nrp: error: {error}", file=sys.stderr)
        return 2
    problem = nrp_problem(instance, args.ratio)
    plan = solve(problem, time_limit=args.time_limit)
    result = {
        "instance": instance.name,
        "ratio": str(args.ratio),
        "value": _number(plan.values["customer"]),
        "cost": _number(plan.usage[(POOL, PERIOD)]),
        "budget": nrp_budget(instance, args.ratio),
        "gap": plan.gap,
        "optimal": plan.optimal,
        "status": plan.status,
        "seconds": round(plan.seconds, 3),
        "selected": sorted(int(i) for i in plan.selected),
        "baselines": {k: _number(v) for k, v in plan.baselines.items()},
    }
    if args.json:
        print(json.dumps(result))
    else:
        _print_text(result)
    return 0


def _print_text(result: dict) -> None:
    for key in ("instance", "ratio", "value", "cost", "budget", "gap", "status", "seconds"):
        print(f"{key}: {result[key]}")
    for name, value in result["baselines"].items():
        print(f"greedy by {name}: {value}")
    print("selected: " + " ".join(str(i) for i in result["selected"]))
