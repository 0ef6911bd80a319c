from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from truce.core.access import access_workspace
from truce.domain import capacity as cap
from truce.requirements.services import requirement_create, requirement_move
from truce.resources import services


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def octx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


@pytest.fixture
def month() -> date:
    """The start of next month: where demands and capacities of the tests sit."""
    return cap.shift(timezone.localdate(), cap.MONTH, 1)


@pytest.fixture
def dev(ctx, month):
    pool = services.pool_create(ctx=ctx, name="研发人日", kind="days", side="product", unit="人日")
    return services.capacities_set(
        ctx=ctx, pool=pool, expected_version=pool.version, amounts={month: 20}
    )


@pytest.fixture
def budget(octx, month):
    pool = services.pool_create(
        ctx=octx, name="市场预算", kind="money", side="operations", unit="元"
    )
    return services.capacities_set(
        ctx=octx, pool=pool, expected_version=pool.version, amounts={month: 100000}
    )


def scheduled_requirement(ctx, title, **extra):
    r = requirement_create(ctx=ctx, title=title, **extra)
    for step in ("under_review", "accepted", "scheduled"):
        requirement_move(ctx=ctx, requirement=r, status=step)
    return r


@pytest.fixture
def requirement(ctx):
    return requirement_create(ctx=ctx, title="结算页改版", estimate_days=8, estimate_budget=5000)


@pytest.fixture
def campaign(octx, requirement):
    return services.campaign_create(
        ctx=octx, title="双十二大促", channel="event", operations_score=8, promotes=[requirement]
    )
