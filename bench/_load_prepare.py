"""Prepare a database for bench/load.py; run by it in a subprocess, once per database.

    .venv/bin/python bench/_load_prepare.py --workspace large --out fixture.json

Migrates, seeds the large workspace when it is missing (truce.seed.large), then adds what the
large seed lacks and real use has: this quarter's OKRs linked to requirements (the demo's
goals), an allocation scenario with one finished run, and a fresh API token per persona
(earlier bench tokens are revoked). Writes a JSON fixture the locustfile reads: personas and
their password, tokens, the range of requirement numbers, a small "hot" set of requirements
that concurrent edits aim at, and the ids of the goal period, key results, scenario and run.
Idempotent; the environment (TRUCE_DATA_DIR or DATABASE_URL) chooses the database. Ends by
settling the database (``_settle``: vacuum, statistics, checkpoint).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
os.environ.setdefault("TRUCE_MANIFEST_STATIC", "0")
# New tokens send a security notice by e-mail: nowhere to send it to in a bench.
os.environ.setdefault("TRUCE_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
# The scenario's run executes in this process when its transaction commits.
os.environ["TRUCE_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

TOKEN_NAME = "load bench"
SCENARIO_NAME = "压测 · load bench"
HOT_REQUIREMENTS = 20  # concurrent edits aim here, so some of them meet a stale version


def _workspace(slug: str, scale: float):
    from truce.accounts.models import Workspace
    from truce.seed.large import Size, seed_large

    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        started = time.perf_counter()
        ws = seed_large(slug=slug, size=Size().scaled(scale), stream=sys.stderr)
        print(f"seeded {slug!r} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return ws


def _goals(ws, users) -> None:
    """The demo's quarterly OKRs (with check-ins, links and sign-off) on the large workspace."""
    from truce.goals.models import Period
    from truce.requirements.models import Requirement
    from truce.seed import _goals as seed_goals
    from truce.seed.content import SPARK_GOALS

    if Period.objects.filter(workspace=ws).exists():
        return
    served = max((i for *_, krs in SPARK_GOALS for *_, idx in krs for i in idx), default=1)
    created = list(Requirement.objects.filter(workspace=ws).order_by("number")[:served])
    seed_goals(ws, {"goals": SPARK_GOALS}, users, created)


def _scenario(ws, users):
    """A scenario over the 1,000 planning candidates with one finished run (immediate task)."""
    from truce.core.access import access_workspace
    from truce.planning import services
    from truce.planning.inputs import available_periods
    from truce.planning.models import Run, Scenario
    from truce.seed.large_resources import CANDIDATE_TAG

    ctx = access_workspace(users["alice"], ws.slug)
    scenario = Scenario.objects.filter(workspace=ws, name=SCENARIO_NAME).first()
    if scenario is None:
        scenario = services.scenario_create(
            ctx=ctx,
            name=SCENARIO_NAME,
            tags=[CANDIDATE_TAG],
            statuses=["accepted"],
            horizon=available_periods(ws)[:3],
            product_floor=0.3,
            operations_floor=0.3,
        )
    run = Run.objects.filter(scenario=scenario).order_by("-pk").first()
    if run is None:
        started = time.perf_counter()
        run = services.run_start(ctx=ctx, scenario=scenario)
        run.refresh_from_db()
        took = time.perf_counter() - started
        print(f"scenario run: {run.status} in {took:.0f} s", file=sys.stderr)
    return scenario, run


def _tokens(users) -> dict[str, str]:
    from truce.accounts.models import ApiToken
    from truce.accounts.services import token_create, token_revoke

    tokens = {}
    for name, user in users.items():
        for old in ApiToken.objects.active().filter(user=user, name=TOKEN_NAME):
            token_revoke(user=user, token=old)
        _, tokens[name] = token_create(user=user, name=TOKEN_NAME, expires_in_days=2)
    return tokens


def _hot(ws) -> list[int]:
    """Requirements still being shaped (editable, often discussed): the contested ones."""
    from truce.requirements.models import Requirement, Status

    open_ = [Status.PROPOSED, Status.UNDER_REVIEW, Status.ACCEPTED]
    rows = Requirement.objects.filter(workspace=ws, status__in=open_).order_by("number")
    numbers = list(rows.values_list("number", flat=True)[: HOT_REQUIREMENTS * 20])
    return random.Random(3).sample(numbers, min(HOT_REQUIREMENTS, len(numbers)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", default="large")
    parser.add_argument("--scale", type=float, default=1.0, help="size of a new seed (1 = 100k)")
    parser.add_argument("--out", required=True, help="where to write the JSON fixture")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max, Min

    from truce.accounts.models import Membership, Role
    from truce.goals.models import KeyResult, Period
    from truce.requirements.models import Requirement
    from truce.seed import DEMO_PASSWORD

    call_command("migrate", "--no-input", "--verbosity", "0")
    ws = _workspace(args.workspace, args.scale)
    members = Membership.objects.filter(workspace=ws).select_related("user")
    users = {m.user.username: m.user for m in members}
    _goals(ws, users)
    scenario, run = _scenario(ws, users)
    period = Period.objects.filter(workspace=ws).order_by("-start").first()
    numbers = Requirement.objects.filter(workspace=ws).aggregate(lo=Min("number"), hi=Max("number"))
    fixture = {
        "vendor": connection.vendor,
        "slug": ws.slug,
        "password": DEMO_PASSWORD,
        "writers": sorted(m.user.username for m in members if m.role != Role.VIEWER),
        "readers": sorted(m.user.username for m in members if m.role == Role.VIEWER),
        "languages": {name: user.language for name, user in users.items()},
        "user_ids": {name: user.pk for name, user in users.items()},
        "tokens": _tokens(users),
        "numbers": [numbers["lo"], numbers["hi"]],
        "hot": _hot(ws),
        "tags": list(ws.tags.values_list("name", flat=True)[:30]),
        "period": period.pk if period else None,
        "key_results": list(
            KeyResult.objects.filter(objective__period=period).values_list("pk", flat=True)
        ),
        "scenario": scenario.pk,
        "run": run.pk,
    }
    Path(args.out).write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
    _settle(connection)
    return 0


def _settle(connection) -> None:
    """Leave the database as a server in steady use has it, so a run is not charged for the
    seed's or the previous run's upkeep: on PostgreSQL, dead rows vacuumed, statistics fresh
    and every dirty page written (a ``VACUUM`` touches the whole seed, and the checkpoint that
    follows it 5 minutes later wrote ~800 MB in the middle of a measured run: p95 200 -> 320 ms
    while it lasted); on SQLite, statistics fresh and the write-ahead log (360 MB after a seed)
    folded into the database file."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        steps = ["VACUUM ANALYZE", "CHECKPOINT"]  # superuser or pg_checkpoint (the bench's own)
    else:
        steps = ["ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"]
    with connection.cursor() as cursor:
        for step in steps:
            cursor.execute(step)
    print(f"settled ({', '.join(steps)}) in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
