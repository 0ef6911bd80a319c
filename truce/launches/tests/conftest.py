from __future__ import annotations

from datetime import date, timedelta

import pytest

from truce.core.access import access_workspace
from truce.launches import services
from truce.requirements.services import requirement_create
from truce.resources.models import Campaign


@pytest.fixture
def ctx(alice, workspace):
    return access_workspace(alice, workspace.slug)


@pytest.fixture
def feature(ctx):
    return requirement_create(ctx=ctx, title="直播购物车")


@pytest.fixture
def campaign(ctx, feature):
    c = Campaign.objects.create(
        workspace=ctx.workspace,
        number=1,
        title="双十二大促",
        channel="event",
        starts_on=date.today() + timedelta(days=20),
        ends_on=date.today() + timedelta(days=25),
    )
    c.promotes.add(feature)
    return c


@pytest.fixture
def launch(ctx, feature, campaign):
    return services.launch_create(
        ctx=ctx,
        name="直播购物车上线",
        target_date=date.today() + timedelta(days=30),
        requirements=[feature.number],
        campaigns=[campaign.number],
    )
