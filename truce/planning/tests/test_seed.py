from __future__ import annotations

import random
from datetime import date

from truce.planning import seed
from truce.planning.models import Run, Scenario
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool
from truce.seed.large_resources import CANDIDATE_TAG, months_from, seed_large_resources


def test_demo_seed_runs_one_scenario_once(workspace, alice, charlie, world):
    users = {"alice": alice, "charlie": charlie}
    spec = {"language": "zh-hans"}
    seed.seed(workspace, spec, users)
    seed.seed(workspace, spec, users)
    scenario = Scenario.objects.get()
    assert scenario.name == "本季度资源分配"
    assert Run.objects.get().status == "done"


def test_demo_seed_does_nothing_without_pools(other_workspace, charlie, alice):
    seed.seed(other_workspace, {"language": "en"}, {"alice": alice, "charlie": charlie})
    assert not Scenario.objects.exists()


def test_large_resources_seed(ctx, world):
    ws = ctx.workspace
    ResourcePool.objects.filter(workspace=ws).delete()
    Campaign.objects.filter(workspace=ws).delete()
    count = seed_large_resources(ws, random.Random(1), today=date(2026, 11, 15))
    assert ResourcePool.objects.filter(workspace=ws).count() == 6
    assert Capacity.objects.filter(pool__workspace=ws).count() == 18
    assert Campaign.objects.filter(workspace=ws).count() == 150
    assert count == Demand.objects.count() > 150
    assert ws.tags.get(name=CANDIDATE_TAG).requirements.count() == 3  # the accepted ones
    assert seed_large_resources(ws, random.Random(1)) == 0  # pools exist: nothing added


def test_months_from_crosses_the_year():
    assert months_from(date(2026, 11, 15)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
