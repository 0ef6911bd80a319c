"""The move to "ready for review" and a checklist change at the same moment: the move checks
the checklist under the launch's row lock that every checklist change also takes, so a
blocking item unchecked meanwhile is seen and the move refused, never lost behind a launch
that went ready without it. PostgreSQL (SQLite serialises write transactions at BEGIN)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from truce.core.errors import Conflict
from truce.launches import services
from truce.launches.models import Launch, ReadinessItem, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_blocking_item_unchecked_during_the_move_stops_it(ctx, launch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite write transactions are serial)")
    for item in launch.checklist.all():
        services.item_update(ctx=ctx, item=item, expected_version=item.version, done=True)
    blocking = launch.checklist.filter(blocking=True).first()
    locked, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def uncheck():  # what item_update does: the lock, then the write, then later the commit
        try:
            with transaction.atomic():
                Launch.objects.select_for_update().filter(pk=launch.pk).first()
                ReadinessItem.objects.filter(pk=blocking.pk).update(done=False)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    def move():
        try:
            fresh = Launch.objects.get(pk=launch.pk)
            services.launch_move(
                ctx=ctx, launch=fresh, status=Status.READY, expected_version=fresh.version
            )
            outcome["move"] = "moved"
        except Conflict as exc:
            outcome["move"] = exc.message
        finally:
            connections.close_all()

    first = threading.Thread(target=uncheck)
    first.start()
    assert locked.wait(30)
    second = threading.Thread(target=move)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the checklist's lock, not deciding on old data
    release.set()
    first.join(30)
    second.join(30)
    assert outcome["move"] != "moved" and "1" in outcome["move"]  # refused: 1 blocking item open
    assert Launch.objects.get(pk=launch.pk).status == Status.PLANNING
