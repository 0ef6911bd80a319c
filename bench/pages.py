"""Page benchmark at the large seed: p50/p95 server time and query count of every page.

    TRUCE_DATA_DIR=/tmp/truce-large .venv/bin/python bench/pages.py [--runs 30] [--only list]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/truce_large .venv/bin/python bench/pages.py

Every GET page and API read of the access-matrix registries (``truce/<app>/tests/
access_routes.py``), with the query-string variants of tests/test_page_budgets.py and a few
searches that only make sense at this size, is requested at the large workspace's busiest
objects (``truce.seed.large_modules.showcase``). Seeds the workspace first when it is missing
(``--scale`` of the full size; refused with --no-seed), and adds the other modules' data to a
workspace seeded before they existed. Requests go through Django's test Client in-process,
signed in as alice (admin pages as admin); server time is the time spent in ``client.get``,
queries are counted with CaptureQueriesContext (the lowest count of the runs: a session's
last-seen time is saved once a minute). Prints a Markdown table; a row misses its target (⚠)
when p95 > 150 ms, the queries exceed the page's budget (tests/test_page_budgets.py) or the
status is unexpected. Downloads of the whole workspace (backup, exports) are left out. alice's
calendar feed gets a new secret (her earlier feed link stops working). Never run by the test
suite.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
os.environ.setdefault("TRUCE_MANIFEST_STATIC", "0")  # no collectstatic needed
os.environ.setdefault("TRUCE_API_RATE", "off")  # thousands of API reads a minute, by design

TARGET_MS = 150
# Downloads of a whole workspace: seconds at this size by design, not pages.
LEFT_OUT = {
    "GET /api/v1/workspaces/{slug}/backup",
    "GET /api/v1/workspaces/{slug}/exports/{data_kind}",
    "interop:export",
}
# Searches and pages that only make sense at the large seed's size and vocabulary.
EXTRA = [
    ("requirements:list", {"q": "优惠"}),
    ("requirements:list", {"q": "优惠券 领取"}),
    ("requirements:list", {"q": "coupons"}),
    ("requirements:list", {"tag": "双十一", "owner": "{alice_id}"}),
    ("requirements:list", {"page": "500"}),
    ("requirements:board", {"q": "优惠"}),
    ("requirements:similar", {"title": "优惠券领取失败"}),
    ("customers:feedback", {"q": "优惠券"}),
    ("GET /api/v1/workspaces/{slug}/requirements", {"q": "优惠"}),
    ("GET /api/v1/workspaces/{slug}/requirements-similar", {"text": "双十一期间优惠券领取失败"}),
]


def measure(client, url: str, runs: int, warmup: int = 3) -> tuple[float, float, int, int]:
    """(p50 ms, p95 ms, queries, status) of ``runs`` requests after ``warmup`` ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    times, counts, status = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured))
        status = response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, min(counts), status


def _workspace(slug: str, seed: bool, scale: float):
    from django.db import transaction

    from truce.accounts.models import Workspace
    from truce.launches.models import Launch
    from truce.resources.models import ResourcePool
    from truce.seed.large import Size, seed_large

    size = Size().scaled(scale)
    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        if not seed:
            raise SystemExit(f"no workspace {slug!r}; run without --no-seed")
        started = time.perf_counter()
        ws = seed_large(slug=slug, size=size, stream=sys.stderr)
        print(f"seeded {slug!r} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        return ws
    if not ResourcePool.objects.filter(workspace=ws).exists():
        from truce.seed.large_resources import seed_large_resources

        seed_large_resources(ws, random.Random(42), size=size)
    if not Launch.objects.filter(workspace=ws).exists():
        from truce.seed.large_modules import seed_large_modules

        started = time.perf_counter()
        with transaction.atomic():
            seed_large_modules(ws, random.Random(42), size)
        print(f"added the other modules in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return ws


def _targets(world: dict) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    from tests.test_page_budgets import targets

    found, missing = targets(world)
    found = [t for t in found if t[1] not in LEFT_OUT]
    by_name = {name: (kind, url.partition("?")[0]) for _label, name, kind, url in found}
    for name, params in EXTRA:
        if name in by_name:
            kind, url = by_name[name]
            params = {k: v.format(**world) for k, v in params.items()}
            label = f"{name} ?{'&'.join(f'{k}={v}' for k, v in params.items())}"
            found.append((label, name, kind, f"{url}?{urlencode(params)}"))
    return found, missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", default="large")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3, help="requests before measuring")
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0, help="of the full size, when seeding")
    parser.add_argument("--only", default="", help="run pages whose label contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tests.test_access_matrix import ADMIN, PUBLIC
    from tests.test_page_budgets import BUDGETS, DEFAULT_BUDGET, STATUS
    from truce.accounts.models import User
    from truce.meetings.calendar import feed_regenerate
    from truce.seed.large_modules import showcase

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    for logger in ("django.request", "truce.security"):  # expected 404s, sign-ins
        logging.getLogger(logger).setLevel(logging.ERROR)
    ws = _workspace(args.workspace, not args.no_seed, args.scale)
    clients = {PUBLIC: Client()}
    for kind, username in ((ADMIN, "admin"), ("member", "alice")):
        clients[kind] = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        clients[kind].force_login(User.objects.get(username=username))
    world = showcase(ws)
    world["feed_token"] = feed_regenerate(user=User.objects.get(username="alice"))
    found, missing = _targets(world)
    # as a web worker does (truce.wsgi): what the process keeps for life is moved out of the
    # collector's sight, so a request's garbage collection does not walk it
    from truce.core.runtime import settle

    settle()
    print(f"\n{connection.vendor}, workspace {args.workspace!r}, {args.runs} requests per page; "
          f"targets p95 ≤ {TARGET_MS} ms, queries ≤ budget\n")  # fmt: skip
    print("| page | p50 ms | p95 ms | queries | budget | status |")
    print("|---|---:|---:|---:|---:|---:|")
    misses = measured = 0
    for label, name, kind, url in found:
        if args.only and args.only not in label:
            continue
        client = clients[kind if kind in (PUBLIC, ADMIN) else "member"]
        p50, p95, queries, status = measure(client, url, args.runs, args.warmup)
        measured += 1
        budget = BUDGETS.get(name, DEFAULT_BUDGET)
        slow = p95 > TARGET_MS or queries > budget or status != STATUS.get(name, 200)
        misses += slow
        flag = " ⚠" if slow else ""
        print(f"| {label}{flag} | {p50:.1f} | {p95:.1f} | {queries} | {budget} | {status} |",
              flush=True)  # fmt: skip
    if missing:
        print(f"\nNot measured (the workspace has no object for their URL): {', '.join(missing)}")
    print(f"\n{measured} pages measured, {misses} miss a target")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
