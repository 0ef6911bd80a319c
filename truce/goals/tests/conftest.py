from __future__ import annotations

from datetime import date, timedelta

import pytest

from truce.core.access import access_workspace
from truce.goals import services


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def period(ctx):
    today = date.today()
    return services.period_create(
        ctx=ctx, name="本季度", start=today - timedelta(days=45), end=today + timedelta(days=45)
    )


@pytest.fixture
def objective(ctx, period):
    return services.objective_create(ctx=ctx, period=period, title="提升新客转化", side="joint")


@pytest.fixture
def kr(ctx, objective):
    return services.key_result_create(
        ctx=ctx, objective=objective, title="首单转化率", unit="%", baseline=10, target=20
    )
