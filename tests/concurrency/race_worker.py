"""One of two processes racing to change the same objects (see test_race.py).

Started with multiprocessing's "spawn", so it imports nothing of Django before ``run`` has
pointed the settings at the test database the parent prepared.
"""

from __future__ import annotations

import json
import os
import threading
from contextlib import suppress

# Seconds the first writer waits for the second at the write (PostgreSQL only); they meet
# at once unless something is wrong, so this bounds a failure, it does not time a pass.
WAIT = 30.0


def _attempts(name: str, worker: int, ids: dict):
    """The change worker ``worker`` makes in race ``name``: a callable taking ctx."""
    from truce.conflicts import services as conflicts
    from truce.conflicts.models import Conflict
    from truce.customers import services as customers
    from truce.customers.models import Customer
    from truce.requirements import services as requirements
    from truce.requirements.models import Requirement
    from truce.resources import services as resources
    from truce.resources.models import Campaign

    version = ids["version"]
    mine = f"worker {worker}"
    if name == "requirement_update":
        r = Requirement.objects.get(pk=ids["pk"])
        return lambda ctx: requirements.requirement_update(
            ctx=ctx, requirement=r, expected_version=version, title=mine
        )
    if name == "requirement_move":
        r = Requirement.objects.get(pk=ids["pk"])
        status = ("under_review", "rejected")[worker]
        return lambda ctx: requirements.requirement_move(
            ctx=ctx, requirement=r, status=status, expected_version=version
        )
    if name == "campaign_update":
        c = Campaign.objects.get(pk=ids["pk"])
        return lambda ctx: resources.campaign_update(
            ctx=ctx, campaign=c, expected_version=version, title=mine
        )
    if name == "conflict_update":
        c = Conflict.objects.get(pk=ids["pk"])
        return lambda ctx: conflicts.conflict_update(
            ctx=ctx, conflict=c, expected_version=version, product_position=mine
        )
    if name == "customer_delete_or_update":
        c = Customer.objects.get(pk=ids["pk"])
        if worker == 0:
            return lambda ctx: customers.customer_delete(
                ctx=ctx, customer=c, expected_version=version
            )
        return lambda ctx: customers.customer_update(
            ctx=ctx, customer=c, expected_version=version, name=mine
        )
    if name == "api_patch":
        from django.test import Client

        from truce.accounts.models import User

        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(User.objects.get(username="admin"))
        url = f"/api/v1/workspaces/spark/requirements/{ids['number']}"
        assert client.get(url).status_code == 200  # warm: the race starts at the request
        etag = f'W/"{ids["pk"]}-{version}"'

        def patch(ctx):
            r = client.patch(
                url, data={"title": mine}, content_type="application/json", HTTP_IF_MATCH=etag
            )
            if r.status_code == 412:
                from truce.core.errors import PreconditionFailed

                raise PreconditionFailed()
            assert r.status_code == 200, (r.status_code, r.content)

        return patch
    raise ValueError(name)


def _state(name: str, ids: dict) -> dict:
    from truce.conflicts.models import Conflict
    from truce.core.models import ChangeRecord
    from truce.customers.models import Customer
    from truce.requirements.models import Requirement
    from truce.resources.models import Campaign

    model = {
        "requirement_update": Requirement,
        "requirement_move": Requirement,
        "api_patch": Requirement,
        "campaign_update": Campaign,
        "conflict_update": Conflict,
        "customer_delete_or_update": Customer,
    }[name]
    row = model.objects.filter(pk=ids["pk"]).first()
    if row is None:
        return {"exists": False}
    value = {
        Requirement: lambda r: f"{r.title}|{r.status}",
        Campaign: lambda c: c.title,
        Conflict: lambda c: c.product_position,
        Customer: lambda c: c.name,
    }[model](row)
    changes = ChangeRecord.objects.filter(
        subject_type=model._meta.model_name, subject_id=row.pk, verb__in=["updated", "status"]
    )
    recorded = json.dumps([c.changes for c in changes], ensure_ascii=False)
    return {"exists": True, "version": row.version, "value": value, "recorded": recorded}


def run(env: dict, races: list[tuple[str, dict]], start, at_write, done, results, worker):
    """Race every change of ``races`` against the other worker; put (race, worker, outcome)
    on ``results`` ("won", "stale" or an error), whether the two met inside their
    transactions right before the write (PostgreSQL), then the state each saw afterwards."""
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    import django

    django.setup()
    from django.db import connection

    from truce.accounts.models import User
    from truce.core.access import access_workspace
    from truce.core.errors import PreconditionFailed
    from truce.core.models import Versioned

    postgres = connection.vendor == "postgresql"
    original = Versioned.save_versioned
    current = threading.local()

    def meet_then_write(self, *args, **kwargs):
        # On PostgreSQL both writers are inside their transactions, every check passed,
        # when they meet here: the write itself must decide. (SQLite takes its write lock at
        # BEGIN, so the second writer cannot get here before the first commits.)
        if postgres and current.barrier is not None:
            barrier, current.barrier = current.barrier, None
            with suppress(threading.BrokenBarrierError):
                barrier.wait(WAIT)
                current.met = True
        return original(self, *args, **kwargs)

    Versioned.save_versioned = meet_then_write
    ctx = access_workspace(User.objects.get(username="admin"), "spark")
    for index, (name, ids) in enumerate(races):
        attempt = _attempts(name, worker, ids)
        current.barrier, current.met = at_write[index], False
        start[index].wait(60)
        try:
            attempt(ctx)
            outcome = "won"
        except PreconditionFailed:
            outcome = "stale"
        except Exception as exc:  # reported, so the parent says what went wrong
            outcome = f"error: {type(exc).__name__}: {exc}"
        results.put((name, worker, outcome))
        results.put((name, worker, ("met at the write", current.met)))
        done[index].wait(60)
        results.put((name, worker, _state(name, ids)))
    connection.close()
