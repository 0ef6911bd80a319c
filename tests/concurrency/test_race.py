"""A real race: two processes change the same object at the same moment, both with the
version they read. Exactly one wins; the other is refused as stale, and nothing of the
winner's change is lost, not even between the check and the write.

The processes use the test database itself: on PostgreSQL they connect to it (and meet
inside their transactions, every check passed, right before the write); on SQLite the
in-memory test database is copied to a file both open, as production does (WAL, write lock
taken at BEGIN).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from urllib.parse import quote

import pytest
from django.db import connection

from tests.concurrency import race_worker
from truce.conflicts.services import conflict_open
from truce.core.access import access_workspace
from truce.customers.services import customer_create
from truce.requirements.services import requirement_create
from truce.resources.services import campaign_create

TIMEOUT = 120  # seconds for the whole race; only a hung worker takes this long


def _database_env(tmp_path) -> dict:
    """Environment pointing a fresh process at this test's database."""
    env = {"DJANGO_SETTINGS_MODULE": "truce.settings", "TRUCE_ALLOWED_HOSTS": "testserver"}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp_path / "race.sqlite3"
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return {**env, "DATABASE_URL": None, "TRUCE_SQLITE_PATH": str(path)}
    s = connection.settings_dict
    auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {**env, "DATABASE_URL": url}


def _ids(obj, **extra) -> dict:
    return {"pk": obj.pk, "version": obj.version, **extra}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_version_exactly_one_wins(personas, tmp_path):
    ctx = access_workspace(personas["admin"], "spark")
    moved = requirement_create(ctx=ctx, title="待评审")
    patched = requirement_create(ctx=ctx, title="接口改的需求")
    races = [
        ("requirement_update", _ids(requirement_create(ctx=ctx, title="原标题"))),
        ("requirement_move", _ids(moved)),
        ("campaign_update", _ids(campaign_create(ctx=ctx, title="双十二", channel="push"))),
        ("conflict_update", _ids(conflict_open(ctx=ctx, title="推送频控之争"))),
        ("customer_delete_or_update", _ids(customer_create(ctx=ctx, name="京东", value=100))),
        ("api_patch", _ids(patched, number=patched.number)),
    ]
    env = _database_env(tmp_path)
    mp = multiprocessing.get_context("spawn")
    start, at_write, done = ([mp.Barrier(2) for _ in races] for _ in range(3))
    results = mp.Queue()
    workers = [
        mp.Process(
            target=race_worker.run, args=(env, races, start, at_write, done, results, worker)
        )
        for worker in (0, 1)
    ]
    for w in workers:
        w.start()
    try:
        reports = [results.get(timeout=TIMEOUT) for _ in range(6 * len(races))]
    finally:
        for w in workers:
            w.join(timeout=30)
            if w.is_alive():
                w.terminate()
    assert all(w.exitcode == 0 for w in workers), [w.exitcode for w in workers]

    for name, ids in races:
        outcomes = {w: o for n, w, o in reports if n == name and isinstance(o, str)}
        states = [o for n, _w, o in reports if n == name and isinstance(o, dict)]
        met = [o[1] for n, _w, o in reports if n == name and isinstance(o, tuple)]
        if connection.vendor == "postgresql":
            assert met == [True, True], f"{name}: both writers must reach the write at once"
        assert sorted(outcomes.values()) == ["stale", "won"], (name, outcomes)
        winner = next(w for w, o in outcomes.items() if o == "won")
        assert states[0] == states[1], (name, states)  # both read the same committed row
        state = states[0]
        if name == "customer_delete_or_update" and winner == 0:
            assert state == {"exists": False}
            continue
        assert state["exists"] and state["version"] == ids["version"] + 1, (name, state)
        if name != "requirement_move":  # the history holds the winner's change only
            assert f"worker {winner}" in state["recorded"], (name, state)
            assert f"worker {1 - winner}" not in state["recorded"], (name, state)
        expected = {
            "requirement_update": f"worker {winner}|proposed",
            "api_patch": f"worker {winner}|proposed",
            "requirement_move": "待评审|" + ("under_review", "rejected")[winner],
        }.get(name, f"worker {winner}")
        assert state["value"] == expected, (name, state)
