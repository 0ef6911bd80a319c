"""Demo data: one scenario for this quarter with a finished run, in each demo workspace that has
resource pools (the resources seed runs first; without pools there is nothing to allocate)."""

from __future__ import annotations

from django.utils import timezone

from truce.core.access import access_workspace
from truce.goals.models import Period
from truce.planning import services
from truce.planning.models import Scenario
from truce.resources.models import ResourcePool

NAMES = {
    "zh-hans": ("本季度资源分配", "研发人天与市场预算有限：哪些需求和活动进入本季度？"),
    "en": ("This quarter's allocation", "Engineering days and budget are scarce: what do we fund?"),
}


def seed(ws, spec, users) -> None:
    if not ResourcePool.objects.filter(workspace=ws, archived=False).exists():
        return
    name, description = NAMES["zh-hans" if spec["language"] == "zh-hans" else "en"]
    if Scenario.objects.filter(workspace=ws, name=name).exists():
        return
    author = next(u for u in ("alice", "charlie") if ws.memberships.filter(user=users[u]).exists())
    ctx = access_workspace(users[author], ws.slug)
    today = timezone.localdate()
    period = Period.objects.filter(workspace=ws, start__lte=today, end__gte=today).first()
    scenario = services.scenario_create(
        ctx=ctx,
        name=name,
        description=description,
        period=period,
        product_floor=0.3,
        operations_floor=0.3,
    )
    try:
        run = services.run_start(ctx=ctx, scenario=scenario)
    except services.ValidationFailed:
        return  # no capacity in this quarter or no candidates: the scenario waits for them
    services.run_execute(run.pk)
