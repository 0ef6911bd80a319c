"""Planning benchmark at the large seed: 1,000 candidate requirements + ~150 campaigns, 6 pools,
3 months. Prints solve time (median/max of several solves), Pareto time, a whole run (solve,
baseline, explanations, Pareto) and page times (scenario, run result, compare).

    TRUCE_DATA_DIR=/tmp/truce-large .venv/bin/python bench/planning.py [--solves 5] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/truce_large .venv/bin/python bench/planning.py

Seeds the "large" workspace when it is missing (unless --no-seed) and its resources
(truce.seed.large_resources) when it has no pools. Runs execute in-process (immediate task
backend). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
os.environ.setdefault("TRUCE_MANIFEST_STATIC", "0")
os.environ["TRUCE_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

SCENARIO = "bench · 1000 candidates"
PAGE_TARGET_MS = 300


def _workspace(slug: str, seed: bool):
    from truce.accounts.models import Workspace

    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        if not seed:
            raise SystemExit(f"no workspace {slug!r}; run without --no-seed")
        from truce.seed.large import seed_large

        ws = seed_large(slug=slug)
    from truce.resources.models import ResourcePool

    if not ResourcePool.objects.filter(workspace=ws).exists():
        from truce.seed.large_resources import seed_large_resources

        started = time.perf_counter()
        count = seed_large_resources(ws, random.Random(7))
        print(f"seeded resources: {count} demands in {time.perf_counter() - started:.1f} s")
    return ws


def _scenario(ws):
    from truce.accounts.models import User
    from truce.core.access import access_workspace
    from truce.planning import services
    from truce.planning.inputs import available_periods
    from truce.planning.models import Scenario
    from truce.seed.large_resources import CANDIDATE_TAG

    ctx = access_workspace(User.objects.get(username="alice"), ws.slug)
    found = Scenario.objects.filter(workspace=ws, name=SCENARIO).first()
    if found is None:
        found = services.scenario_create(
            ctx=ctx,
            name=SCENARIO,
            tags=[CANDIDATE_TAG],
            statuses=["accepted"],
            horizon=available_periods(ws)[:3],
            product_floor=0.3,
            operations_floor=0.3,
        )
    return ctx, found


def _seconds(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", default="large")
    parser.add_argument("--solves", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20, help="requests per page")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from pages import measure

    from truce.domain.optimiser import pareto, solve
    from truce.planning import engine, services
    from truce.planning.inputs import build_inputs
    from truce.planning.models import Run

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ws = _workspace(args.workspace, not args.no_seed)
    ctx, scenario = _scenario(ws)
    started = time.perf_counter()
    inputs = build_inputs(scenario)
    built = time.perf_counter() - started
    problem = engine.problem_from(inputs)
    kinds = [i["kind"] for i in inputs["items"]]
    print(f"\n{connection.vendor}, workspace {ws.slug!r}: "
          f"{kinds.count('requirement')} requirements + {kinds.count('campaign')} campaigns, "
          f"{len(inputs['pools'])} pools × "
          f"{len(inputs['periods'])} periods; inputs read in {built:.2f} s\n")  # fmt: skip
    times, plan = [], None
    for _ in range(args.solves):
        plan = solve(problem, time_limit=services.LIMITS["solve_limit"])
        times.append(plan.seconds)
    print(f"solve (fairness 30%/30%): {_seconds(times)}; status {plan.status}, "
          f"{len(plan.selected)} selected, gap {plan.gap:.2g}")  # fmt: skip
    started = time.perf_counter()
    front = pareto(problem, max_points=12, time_limit=services.LIMITS["pareto_limit"])
    print(f"pareto: {time.perf_counter() - started:.2f} s, {len(front.points)} points, "
          f"{front.proven} proven, complete {front.complete}")  # fmt: skip
    run_times = []
    for _ in range(2):
        started = time.perf_counter()
        run = services.run_start(ctx=ctx, scenario=scenario)  # executes on commit (immediate)
        run_times.append(time.perf_counter() - started)
    run = Run.objects.get(pk=run.pk)
    print(f"whole run (inputs, solve, baseline, explanations, pareto): {_seconds(run_times)}; "
          f"status {run.status}, timings {run.timings}, "
          f"{len(run.result.get('explanations', {}))} explanations stored")  # fmt: skip
    client = Client()
    client.force_login(ctx.membership.user)
    base = f"/w/{ws.slug}/planning/"
    pages = [
        ("scenario page", f"{base}{scenario.pk}/"),
        ("run result page", f"{base}runs/{run.pk}/"),
        ("compare page", f"{base}compare/?runs={run.previous_id}&runs={run.pk}"),
        ("run API", f"/api/v1/workspaces/{ws.slug}/planning/runs/{run.pk}"),
    ]
    print("\n| page | p50 ms | p95 ms | queries | status |\n|---|---:|---:|---:|---:|")
    misses = 0
    for name, url in pages:
        p50, p95, queries, status = measure(client, url, args.runs)
        misses += p95 > PAGE_TARGET_MS or status != 200
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {queries} | {status} |", flush=True)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
