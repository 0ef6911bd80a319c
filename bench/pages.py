"""Page benchmark at the large seed: p50/p95 server time and query count per page.

    TRUCE_DATA_DIR=/tmp/truce-large .venv/bin/python bench/pages.py [--no-seed] [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/truce_large .venv/bin/python bench/pages.py

Seeds the "large" workspace first when it is missing (unless --no-seed). Requests go through
Django's test Client in-process, signed in as alice; server time is the time spent in
``client.get``, queries are counted with CaptureQueriesContext. Prints a Markdown table.
Targets: p95 ≤ 50 ms and ≤ 12 queries per page. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
os.environ.setdefault("TRUCE_MANIFEST_STATIC", "0")  # no collectstatic needed

TARGET_MS, TARGET_QUERIES = 50, 12


def pages(slug: str, alice_id: int) -> list[tuple[str, str]]:
    w, api = f"/w/{slug}/requirements/", f"/api/v1/workspaces/{slug}/requirements"

    def q(**params) -> str:
        return "?" + urlencode(params)

    return [
        ("list (newest)", w),
        ("list status=accepted sort=priority", w + q(status="accepted", sort="priority")),
        ("list tag+owner", w + q(tag="双十一", owner=alice_id)),
        ("list segment=A sort=demand", w + q(segment="A", sort="demand")),
        ("list page 500", w + q(page=500)),
        ("search 优惠", w + q(q="优惠")),
        ("search 优惠券 领取", w + q(q="优惠券 领取")),
        ("search 优惠券 推送", w + q(q="优惠券 推送")),
        ("search coupons", w + q(q="coupons")),
        ("board", w + "board/"),
        ("board search 优惠", w + "board/" + q(q="优惠")),
        ("detail", w + "50000/"),
        ("API list status+priority", api + q(status="accepted", sort="priority")),
        ("API search 优惠", api + q(q="优惠")),
        ("similar (page)", w + "similar/" + q(title="优惠券领取失败")),
        ("similar (API)", api + "-similar" + q(text="双十一期间优惠券领取失败，客服工单激增")),
    ]


def measure(client, url: str, runs: int, warmup: int = 3) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        client.get(url)
    times, queries, status = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries, status = len(captured), response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", default="large")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--only", default="", help="run pages whose name contains this")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from truce.accounts.models import User, Workspace

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if not Workspace.objects.filter(slug=args.workspace).exists():
        if args.no_seed:
            print(f"no workspace {args.workspace!r}; run without --no-seed", file=sys.stderr)
            return 2
        from truce.seed.large import seed_large

        seed_large(slug=args.workspace)
    alice = User.objects.get(username="alice")
    client = Client()
    client.force_login(alice)
    print(f"\n{connection.vendor}, workspace {args.workspace!r}, {args.runs} requests per page\n")
    print("| page | p50 ms | p95 ms | queries | status |")
    print("|---|---:|---:|---:|---:|")
    misses = 0
    for name, url in pages(args.workspace, alice.pk):
        if args.only and args.only not in name:
            continue
        p50, p95, queries, status = measure(client, url, args.runs)
        slow = p95 > TARGET_MS or queries > TARGET_QUERIES or status != 200
        misses += slow
        flag = " ⚠" if slow else ""
        print(f"| {name}{flag} | {p50:.1f} | {p95:.1f} | {queries} | {status} |", flush=True)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
