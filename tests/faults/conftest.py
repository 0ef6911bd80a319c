"""Fault tests: real processes (the task worker, gunicorn) killed with SIGKILL at exact points.

The test and the processes it starts share one database: on PostgreSQL the test database
itself (``transactional_db``: writes are committed, and flushed afterwards); on SQLite a file
copied from the migrated in-memory test database, to which the test's own connection is
switched meanwhile (an in-memory database cannot be shared between processes). Uploads go to
a media folder both sides use.

A process is killed where the test wants it: started with ``TRUCE_FAULT_PAUSE=<point>``, it
announces the point in a file and waits there (truce/core/faults.py). Every wait here is for
an event (a file, a row, a gone process) with a deadline, never a bare sleep.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connections

from conftest import make_user
from truce.accounts.models import Membership, Role, Side, Workspace
from truce.core import jobs

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 30.0  # seconds any single wait may take before the test fails


def wait_until(check, what: str, timeout: float = DEADLINE, logs=None):
    """Poll ``check()`` until it returns something truthy; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > end:
            detail = f"\n{logs()}" if logs else ""
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(0.05)


@contextmanager
def _sqlite_file(path: Path):
    """Copy the migrated in-memory test database to ``path`` and use it as "default"."""
    conn = connections["default"]
    conn.ensure_connection()
    target = sqlite3.connect(path)
    conn.connection.backup(target)
    target.close()
    saved_connection, saved_name = conn.connection, conn.settings_dict["NAME"]
    conn.connection = None
    conn.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = saved_name
        conn.connection = saved_connection


def _postgres_url(db: dict) -> str:
    auth = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def shared_db(transactional_db, tmp_path, settings):
    """The database environment of the processes a test starts (see the module docstring)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "data" / "media"},
        },
    }
    if connections["default"].vendor == "postgresql":
        yield {"DATABASE_URL": _postgres_url(connections["default"].settings_dict)}
        return
    path = tmp_path / "shared.sqlite3"
    with _sqlite_file(path):
        yield {"TRUCE_SQLITE_PATH": str(path)}


class Stack:
    """Processes of one test: task workers and a gunicorn web server, all killed at the end."""

    def __init__(self, tmp_path: Path, db_env: dict, secret_key: str):
        self.data = tmp_path / "data"
        self.faults = tmp_path / "faults"
        self.logdir = tmp_path / "logs"
        for folder in (self.data, self.faults, self.logdir):
            folder.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            **db_env,
            "DJANGO_SETTINGS_MODULE": "truce.settings",
            "TRUCE_DATA_DIR": str(self.data),
            "TRUCE_SECRET_KEY": secret_key,
            "TRUCE_MANIFEST_STATIC": "0",
            "TRUCE_FAULT_DIR": str(self.faults),
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("TRUCE_TASK_BACKEND", "TRUCE_DEBUG", "TRUCE_FAULT_PAUSE"):
            self.env.pop(name, None)
        if "DATABASE_URL" not in db_env:
            self.env.pop("DATABASE_URL", None)
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.base_url = ""

    def _start(self, name: str, command: list[str], pause: str | None) -> subprocess.Popen:
        env = dict(self.env)
        if pause:
            env["TRUCE_FAULT_PAUSE"] = pause
        log = (self.logdir / f"{name}-{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the teardown kills all of it
        )
        self.procs.append((name, proc))
        return proc

    def start_worker(self, pause: str | None = None) -> subprocess.Popen:
        command = [sys.executable, "manage.py", "worker", "--interval", "0.1"]
        return self._start("worker", [*command, "--no-startup-delay", "--no-reload"], pause)

    def start_web(self, pause: str | None = None) -> subprocess.Popen:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "truce.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"]
        proc = self._start("web", command, pause)
        self.base_url = f"http://127.0.0.1:{port}"
        wait_until(self._healthy, "gunicorn to answer /healthz", logs=self.logs)
        return proc

    def ready(self, worker: subprocess.Popen) -> None:
        """Wait until a worker has made its start-up reaper pass and takes tasks."""
        log = next(self.logdir.glob(f"worker-{self.procs.index(('worker', worker))}.log"))
        wait_until(
            lambda: b"Starting worker" in log.read_bytes(), "the worker to start", logs=self.logs
        )

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def paused_at(self, point: str) -> int:
        """Wait until a process pauses at ``point``; its pid."""
        marker = self.faults / point
        wait_until(marker.exists, f"a process to pause at {point}", logs=self.logs)
        return int(marker.read_text())

    def kill(self, pid: int) -> None:
        """SIGKILL ``pid`` and wait until it is gone (reaped by us or by its parent)."""
        os.kill(pid, signal.SIGKILL)
        for _name, proc in self.procs:
            if proc.pid == pid:
                proc.wait(timeout=DEADLINE)
        wait_until(lambda: jobs._start_time(pid) is None, f"process {pid} to be gone")

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.logdir.iterdir())
        )

    def stop(self) -> None:
        for _name, proc in self.procs:
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=DEADLINE)

    def request(self, method: str, path: str, token: str, body: bytes | None = None):
        """(status, parsed JSON) of an API call to the web process."""
        import json

        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        call = urllib.request.Request(self.base_url + path, body, headers, method=method)
        try:
            with urllib.request.urlopen(call, timeout=DEADLINE) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def request_in_background(self, method: str, path: str, token: str) -> dict:
        """Send a request from a thread; the dict gets "status" or "error" when it ends."""
        outcome: dict = {}

        def send():
            try:
                outcome["status"] = self.request(method, path, token)[0]
            except Exception as exc:  # the server died mid-request: what we expect here
                outcome["error"] = exc

        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        outcome["thread"] = thread
        return outcome


@pytest.fixture
def stack(shared_db, tmp_path, settings):
    processes = Stack(tmp_path, shared_db, settings.SECRET_KEY)
    yield processes
    processes.stop()
    print(processes.logs())  # shown by pytest when the test failed


@pytest.fixture
def team(shared_db) -> dict:
    """A workspace with an admin (imports) and a product manager (scenarios), in English."""
    workspace = Workspace.objects.create(name="星火电商", slug="spark")
    people = {}
    for username, role, side in (
        ("admin", Role.ADMIN, Side.PRODUCT),
        ("alice", Role.PRODUCT, Side.PRODUCT),
    ):
        people[username] = make_user(username)
        Membership.objects.create(workspace=workspace, user=people[username], role=role, side=side)
    return {"workspace": workspace, **people}
