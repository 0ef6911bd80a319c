"""Import benchmark: 100,000 requirements from CSV and from .xlsx, timed per phase.

    TRUCE_DATA_DIR=$(mktemp -d) .venv/bin/python bench/import.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/truce_bench .venv/bin/python bench/import.py

Creates (or reuses) a private workspace per run, writes a Jira-style CSV and an xlsx with
Chinese and English titles, descriptions, statuses, labels, assignees and estimates, and prints:
parse (reading the file alone), check (parse + per-row validation + search tokens and HTML),
write (the one transaction of bulk inserts and the full-text index), and the total.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")

import django

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402

from truce.accounts.models import Membership, Role, User, Workspace  # noqa: E402
from truce.core.access import WorkspaceAccess  # noqa: E402
from truce.interop import services, tabular  # noqa: E402
from truce.requirements.models import Requirement  # noqa: E402

HEADER = ["Summary", "Issue key", "Issue Type", "Status", "Priority", "Assignee"]
HEADER += ["Labels", "Labels", "Original Estimate", "Description"]
STATUSES = ["To Do", "In Progress", "Done", "In Review", "Backlog", "Won't Do", "Closed"]
TYPES = ["Story", "Bug", "Task", "Improvement", "Epic"]
PRIORITIES = ["Highest", "High", "Medium", "Low", "Lowest"]
LABELS = ["618", "双十一", "growth", "ux", "支付", "会员", "性能", "", ""]
WORDS = [
    "会员",
    "积分",
    "支付",
    "结算",
    "直播",
    "搜索",
    "推荐",
    "优惠券",
    "拼团",
    "秒杀",
    "物流",
    "退款",
    "客服",
    "签到",
    "分享",
]
ENGLISH = [
    "checkout",
    "coupon",
    "search",
    "live",
    "stream",
    "referral",
    "refund",
    "loyalty",
    "onboarding",
]


def _rows(n: int, rng: random.Random):
    for i in range(n):
        if rng.random() < 0.2:
            title = " ".join(rng.sample(ENGLISH, 3)).capitalize() + f" #{i}"
            text = f"As a shopper I want {' and '.join(rng.sample(ENGLISH, 4))} to be **simpler**."
        else:
            title = "".join(rng.sample(WORDS, 3)) + f"优化 {i}"
            text = f"用户反馈{''.join(rng.sample(WORDS, 4))}流程太长，希望**简化**，预计提升转化。"
        yield [
            title, f"SHOP-{i + 1}", rng.choice(TYPES), rng.choice(STATUSES),
            rng.choice(PRIORITIES), rng.choice(["alice", "olivia", ""]), rng.choice(LABELS),
            rng.choice(LABELS), str(rng.choice([0, 3600, 28800, 57600, 144000])), text,
        ]  # fmt: skip


def write_files(n: int, folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path, xlsx_path = folder / "jira-100k.csv", folder / "jira-100k.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(_rows(n, random.Random(1)))
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in _rows(n, random.Random(1)):
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


def _context(slug: str) -> WorkspaceAccess:
    ws = Workspace.objects.create(slug=slug, name=f"Import bench {slug}")
    users = {}
    for name, role in (
        ("bench-admin", Role.ADMIN),
        ("alice", Role.PRODUCT),
        ("olivia", Role.OPERATIONS),
    ):
        users[name], _ = User.objects.get_or_create(
            username=name, defaults={"email": f"{name}@example.com"}
        )
        Membership.objects.create(workspace=ws, user=users[name], role=role, side="product")
    membership = Membership.objects.select_related("workspace", "user").get(
        workspace=ws, user=users["bench-admin"]
    )
    return WorkspaceAccess(workspace=ws, membership=membership)


def run(path: Path, slug: str) -> dict:
    started, cpu = time.monotonic(), time.process_time()
    table = tabular.open_table(path, "csv" if path.suffix == ".csv" else "xlsx")
    count = sum(1 for _ in table.rows())
    parse, parse_cpu = time.monotonic() - started, time.process_time() - cpu
    ctx = _context(slug)
    with path.open("rb") as raw:
        job = services.import_upload(
            ctx=ctx, kind="requirements", upload=File(raw, name=path.name), preset="jira"
        )
    job = services.import_run(job=job, commit=True)
    assert job.status == "done", (job.status, job.errors[:3], job.message)
    total = time.monotonic() - started
    assert Requirement.objects.filter(workspace=ctx.workspace).count() == count
    return {"rows": count, "parse": parse, "parse_cpu": parse_cpu, **job.timings, "total": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", "--no-input", "--verbosity", "0")
    from django.db import connection

    print(f"database: {connection.vendor}; rows: {args.rows}")
    stamp = int(time.time())
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.monotonic()
        csv_path, xlsx_path = write_files(args.rows, Path(folder))
        sizes = [p.stat().st_size / 1e6 for p in (csv_path, xlsx_path)]
        print(
            f"files written in {time.monotonic() - t0:.1f}s "
            f"(csv {sizes[0]:.1f} MB, xlsx {sizes[1]:.1f} MB)"
        )
        for path in (csv_path, xlsx_path):
            r = run(path, f"bench-{path.suffix[1:]}-{stamp}")
            print(
                f"{path.suffix[1:]:>4}: {r['rows']} rows · parse {r['parse']:.1f}s · "
                f"parse+check {r['check']:.1f}s · write {r['write']:.1f}s · "
                f"import (upload, check, write) {r['total'] - r['parse']:.1f}s\n"
                f"      CPU of this process: parse {r['parse_cpu']:.1f}s · parse+check "
                f"{r['check_cpu']:.1f}s · write {r['write_cpu']:.1f}s; "
                f"load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
