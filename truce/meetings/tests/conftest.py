from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from truce.core.access import access_workspace
from truce.meetings import services
from truce.meetings.models import Meeting


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def today():
    return date.today()


@pytest.fixture
def series(ctx, alice, olivia, lena, today):
    """A weekly sync meeting today at 10:00 Shanghai time, alice and olivia attend."""
    return services.series_create(
        ctx=ctx,
        title="产品运营周会",
        weekday=today.weekday(),
        start_time=time(10, 0),
        starts_on=today - timedelta(days=14),
        attendees=[alice, olivia],
    )


@pytest.fixture
def meeting(series, workspace, today):
    found = Meeting.objects.select_related("series").get(series=series, date=today)
    found.workspace = workspace
    return found


@pytest.fixture
def running(ctx, meeting):
    return services.meeting_start(ctx=ctx, meeting=meeting)
