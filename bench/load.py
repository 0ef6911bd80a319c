"""Load test: users mixed read/write against gunicorn on loopback, on SQLite and PostgreSQL.

    .venv/bin/pip install -e ".[bench]"          # locust
    .venv/bin/python bench/load.py [--database sqlite|postgres|both] [--users 50]
        [--duration 600] [--spawn-rate 5] [--workers 3] [--threads 4] [--no-worker] [--keep]

For each database: migrates and seeds the large workspace when it is missing (100k
requirements; SQLite in --data-dir, default $TRUCE_DATA_DIR or /tmp/truce-load; PostgreSQL at
--postgres-url, default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/truce_load, created
if missing), adds OKRs, a planning scenario with a run and API tokens (bench/_load_prepare.py),
starts gunicorn on 127.0.0.1 (a free port; gthread workers × threads) and the task worker,
then runs locust headless (bench/_load_locustfile.py) for --duration seconds. The users sign
in as the workspace's personas and mix pages, API reads and writes through the real forms
(CSRF tokens) or bearer tokens; optimistic-locking conflicts (412, the edit form's conflict
callout) are expected and reported apart. Every child runs in its own process group and is
stopped on exit, Ctrl-C or failure. The writes stay in the database (separate from the one of
bench/pages.py by default).

Prints, per database, a table per request type (count, failures, p50/p95/p99 ms, req/s) and
the verdict against the targets: 0 errors (request failures, server errors and failed tasks
logged), 0 "database is locked" (in the server and worker logs and in failures), overall
p95 ≤ 150 ms. Exits 1 when a target is missed. Never run by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
TARGET_P95_MS = 150
LOCKED = "database is locked"
DEFAULT_DATA_DIR = os.environ.get("TRUCE_DATA_DIR") or "/tmp/truce-load"
DEFAULT_PG = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/truce_load"


def _die_with_parent() -> None:
    """In the child before exec: own process group, and SIGTERM when this script dies."""
    os.setsid()
    # Not Linux: no PR_SET_PDEATHSIG, but the finally block and signal handlers still stop them.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Children:
    """Processes started by this run; ``stop`` ends each whole process group."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict, log: Path | None) -> subprocess.Popen:
        """Start ``cmd`` with its output in ``log`` (None: this terminal)."""
        out = open(log, "ab") if log else None  # noqa: SIM115 (the child keeps it open)
        try:
            proc = subprocess.Popen(
                cmd,
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                preexec_fn=_die_with_parent,  # single-threaded here, so safe
            )
        finally:
            if out:
                out.close()
        self.procs.append((name, proc))
        return proc

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        for _, proc in self.procs:  # anything left in the groups (gunicorn's workers)
            _signal_group(proc, signal.SIGKILL)
        self.procs.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _raise_exit(signum, _frame):
    raise SystemExit(128 + signum)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_pg_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist (needs CREATEDB)."""
    import psycopg
    from psycopg import sql

    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname") or "postgres"
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created PostgreSQL database {name!r}", file=sys.stderr)


def _environment(database: str, args) -> dict:
    env = dict(os.environ)
    env.update(
        TRUCE_DATA_DIR=str(args.data_dir),
        TRUCE_MANIFEST_STATIC="0",
        TRUCE_DEBUG="0",
        TRUCE_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TRUCE_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="truce.settings",
        PYTHONUNBUFFERED="1",
    )
    env.pop("TRUCE_TASK_BACKEND", None)
    if database == "postgres":
        env["DATABASE_URL"] = args.postgres_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url}/healthz within {timeout:.0f} s")


@dataclass
class Row:
    name: str
    count: int
    failures: int
    p50: float
    p95: float
    p99: float
    rps: float


@dataclass
class Result:
    database: str
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)
    locked: int = 0
    server_errors: int = 0
    task_failures: int = 0
    warmup_failures: int = 0
    aborted: str = ""

    @property
    def stale(self) -> int:
        return sum(r.count for r in self.rows if "stale, expected" in r.name)

    @property
    def errors(self) -> int:
        failed = self.total.failures if self.total else 0
        return failed + self.warmup_failures + self.server_errors + self.task_failures

    @property
    def passed(self) -> bool:
        return (
            not self.aborted
            and self.total is not None
            and self.total.count > 0
            and self.errors == 0
            and self.locked == 0
            and self.total.p95 <= TARGET_P95_MS
        )


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0  # "N/A" when a type had no request


def _read_stats(prefix: Path, result: Result) -> None:
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with open(stats, newline="", encoding="utf-8") as f:
            for rec in csv.DictReader(f):
                row = Row(
                    name=(rec["Type"] + " " + rec["Name"]).strip(),
                    count=int(rec["Request Count"]),
                    failures=int(rec["Failure Count"]),
                    p50=_number(rec["50%"]),
                    p95=_number(rec["95%"]),
                    p99=_number(rec["99%"]),
                    rps=_number(rec["Requests/s"]),
                )
                if rec["Name"] == "Aggregated":
                    result.total = row
                else:
                    result.rows.append(row)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, newline="", encoding="utf-8") as f:
            for rec in csv.DictReader(f):
                where = f"{rec['Method']} {rec['Name']}"
                result.failures.append((where, rec["Error"], int(rec["Occurrences"])))
    result.rows.sort(key=lambda r: -r.count)


def _scan_logs(logs: list[Path], result: Result) -> None:
    """Count "database is locked" events, server errors (Django's "Internal Server Error"
    records) and failed tasks in the server and worker logs."""
    for log in logs:
        if not log.exists():
            continue
        text = log.read_text(encoding="utf-8", errors="replace")
        # A traceback names the error twice when Django re-raises sqlite3's (chained): count
        # events, not lines.
        raw = len(re.findall(r"^sqlite3\.OperationalError: database is locked", text, re.M))
        wrapped = len(re.findall(r"^\S*\.utils\.OperationalError: database is locked", text, re.M))
        result.locked += max(raw, wrapped)
        result.server_errors += text.count("Internal Server Error:")
        result.task_failures += text.count("state=FAILED")
    result.locked += sum(n for _, error, n in result.failures if LOCKED in error)


def run_one(database: str, args, workdir: Path, children: Children) -> Result:
    result = Result(database)
    env = _environment(database, args)
    print(f"\n== {database}: preparing (migrate, seed when missing, fixtures)", flush=True)
    if database == "postgres":
        _ensure_pg_database(args.postgres_url)
    else:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    fixture = workdir / f"{database}-fixture.json"
    prepare = [sys.executable, str(BENCH / "_load_prepare.py"), "--out", str(fixture)]
    prepare += ["--workspace", args.workspace, "--scale", str(args.scale)]
    prep = children.start("prepare", prepare, env, None)  # the seed's progress shows here
    if prep.wait() != 0:
        raise RuntimeError("preparing the database failed (see above)")
    children.procs.remove(("prepare", prep))

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_log, worker_log = (
        workdir / f"{database}-gunicorn.log",
        workdir / f"{database}-worker.log",
    )
    gunicorn = [
        sys.executable, "-m", "gunicorn", "truce.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--timeout", "60", "--graceful-timeout", "10",
        "--error-logfile", "-",
    ]  # fmt: skip
    if _gunicorn_has("control_socket_disable"):  # gunicorn ≥ 27: no socket in ~/.gunicorn
        gunicorn.append("--no-control-socket")
    server = children.start("gunicorn", gunicorn, env, server_log)
    if not args.no_worker:
        worker_env = {**env, "TRUCE_LOG_LEVEL": "INFO"}  # failed tasks log "state=FAILED"
        children.start(
            "worker", [sys.executable, "-m", "truce.cli", "worker"], worker_env, worker_log
        )
    _wait_ready(url, server)
    print(
        f"== {database}: gunicorn {url} ({args.workers} workers × {args.threads} threads)"
        f"{'' if args.no_worker else ' + task worker'}; {args.users} users "
        f"(+{args.spawn_rate}/s) for {args.duration} s after a {args.warmup} s warm-up",
        flush=True,
    )

    locust_env = {**env, "TRUCE_LOAD_FIXTURE": str(fixture), "TRUCE_LOAD_WAIT": args.think}
    if args.warmup > 0:
        # Every worker process renders each kind of page once (templates, jieba's dictionary,
        # caches) before measuring; the warm-up's failures still count as errors.
        warm = workdir / f"{database}-warmup"
        users = min(args.users, args.workers * args.threads)
        _locust(children, url, locust_env, warm, users, users, args.warmup, server, result)
        warm_up = Result(database)
        _read_stats(warm, warm_up)
        result.warmup_failures = warm_up.total.failures if warm_up.total else 0
        result.failures += warm_up.failures
    prefix = workdir / f"{database}-locust"
    if not result.aborted:
        _locust(children, url, locust_env, prefix, args.users, args.spawn_rate, args.duration,
                server, result, progress=True)  # fmt: skip
    children.stop()
    _read_stats(prefix, result)
    _scan_logs([server_log, worker_log], result)
    return result


def _locust(children, url, env, prefix, users, rate, duration, server, result, progress=False):
    """Run locust headless until it ends; note in ``result`` when the run broke down."""
    cmd = [
        sys.executable, "-m", "locust", "-f", str(BENCH / "_load_locustfile.py"),
        "--headless", "--only-summary", "--host", url,
        "--users", str(users), "--spawn-rate", str(rate),
        "--run-time", f"{duration}s", "--stop-timeout", "10",
        "--csv", str(prefix), "--exit-code-on-error", "0",
    ]  # fmt: skip
    load = children.start("locust", cmd, env, Path(f"{prefix}.log"))
    started = time.monotonic()
    next_note = started + 30
    while load.poll() is None:
        time.sleep(1)
        elapsed = time.monotonic() - started
        if server.poll() is not None:
            result.aborted = f"gunicorn exited with {server.returncode} during the run"
        elif elapsed > duration + 120:
            result.aborted = "locust did not stop in time"
        if result.aborted:
            _signal_group(load, signal.SIGTERM)
            load.wait()
            return
        if progress and time.monotonic() >= next_note:
            print(f"   {elapsed:.0f} / {duration} s", flush=True)
            next_note += 30
    children.procs.remove(("locust", load))
    if load.returncode != 0:
        result.aborted = f"locust exited with {load.returncode} (see {prefix}.log, --keep)"


def report(result: Result, args) -> None:
    print(f"\n### {result.database}: {args.users} users, {args.duration} s, "
          f"{args.workers} workers × {args.threads} threads\n")  # fmt: skip
    print("| request | count | failures | p50 ms | p95 ms | p99 ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = [*result.rows, *([result.total] if result.total else [])]
    for r in rows:
        name = "**all**" if r is result.total else r.name
        print(f"| {name} | {r.count} | {r.failures} | {r.p50:.0f} | {r.p95:.0f} | {r.p99:.0f} "
              f"| {r.rps:.1f} |")  # fmt: skip
    for where, error, n in result.failures[:10]:
        print(f"  failure ×{n}: {where}: {error[:160]}")
    total = result.total or Row("all", 0, 0, 0, 0, 0, 0)

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(
        f"\nrequests {total.count}, {total.rps:.1f}/s; stale edits (412 or conflict form, "
        f"expected) {result.stale}\n"
        f"errors {result.errors} (failed requests {total.failures}, in the warm-up "
        f"{result.warmup_failures}, server errors logged "
        f"{result.server_errors}, failed tasks {result.task_failures}): "
        f"{mark(result.errors == 0)}\n"
        f'"database is locked" {result.locked}: {mark(result.locked == 0)}\n'
        f"p50 {total.p50:.0f} ms, p95 {total.p95:.0f} ms (target ≤ {TARGET_P95_MS}), "
        f"p99 {total.p99:.0f} ms: {mark(total.p95 <= TARGET_P95_MS)}"
    )
    if result.aborted:
        print(f"aborted: {result.aborted}")
    print(f"{result.database}: {'PASS' if result.passed else 'FAIL'}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Targets: 0 errors, 0 'database is locked', overall p95 ≤ 150 ms.",
    )  # fmt: skip
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=600, help="seconds of load per database")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second")
    parser.add_argument("--think", default="1,4", help="seconds between actions: min,max")
    parser.add_argument(
        "--warmup", type=int, default=20, help="seconds of unmeasured load first (0: none)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--no-worker", action="store_true", help="do not run the task worker")
    parser.add_argument("--keep", action="store_true", help="keep the logs and locust CSVs")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="SQLite data folder")
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--workspace", default="large")
    parser.add_argument("--scale", type=float, default=1.0, help="size of a new seed (1 = 100k)")
    args = parser.parse_args()
    try:
        low, high = (float(x) for x in args.think.split(","))
        assert 0 <= low <= high
    except (ValueError, AssertionError):
        parser.error("--think must be min,max seconds, e.g. 1,4")
    if not _has_module("locust"):
        parser.error('locust is missing: .venv/bin/pip install -e ".[bench]"')

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    workdir = Path(tempfile.mkdtemp(prefix="truce-load-"))
    children = Children()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_exit)
    results: list[Result] = []
    try:
        for database in databases:
            results.append(run_one(database, args, workdir, children))
    except KeyboardInterrupt:
        print("\ninterrupted: stopped everything", file=sys.stderr)
        code = 130
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    else:
        code = 0
    finally:
        children.stop()
        if args.keep:
            print(f"\nlogs and CSVs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        report(result, args)
    return code or (0 if all(r.passed for r in results) else 1)


def _gunicorn_has(setting: str) -> bool:
    import gunicorn.config

    return any(s.name == setting for s in gunicorn.config.KNOWN_SETTINGS)


def _has_module(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is not None


if __name__ == "__main__":
    sys.exit(main())
