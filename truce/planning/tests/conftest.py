from __future__ import annotations

from datetime import date

import pytest

from truce.core.access import access_workspace
from truce.goals import services as goals
from truce.planning import services
from truce.planning.tests.factories import MONTH, planning_world


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def world(ctx):
    return planning_world(ctx)


@pytest.fixture
def period(ctx):
    return goals.period_create(
        ctx=ctx, name="2026 Q3", start=date(2026, 7, 1), end=date(2026, 9, 30)
    )


@pytest.fixture
def scenario(ctx, world, period):
    return services.scenario_create(
        ctx=ctx,
        name="本季度",
        period=period,
        statuses=["under_review", "accepted"],
        horizon=[MONTH],
    )


@pytest.fixture
def run(ctx, scenario, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        started = services.run_start(ctx=ctx, scenario=scenario)
    started.refresh_from_db()
    return started
