from __future__ import annotations

from datetime import date, timedelta

import pytest

from truce.core.access import access_workspace
from truce.goals import services as goals
from truce.requirements.services import requirement_create


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def octx(olivia, workspace):
    return access_workspace(olivia, workspace.slug)


@pytest.fixture
def req(ctx, lena):
    """A requirement lena owns, so she hears about its comments."""
    return requirement_create(ctx=ctx, title="会员积分抵扣运费", owner=lena)


@pytest.fixture
def kr(ctx):
    today = date.today()
    period = goals.period_create(
        ctx=ctx, name="本季度", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    objective = goals.objective_create(ctx=ctx, period=period, title="提升复购")
    return goals.key_result_create(
        ctx=ctx, objective=objective, title="复购率", unit="%", baseline=10, target=20
    )
