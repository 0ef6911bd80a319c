"""A small planning world for tests: two pools over one month, five requirements, a campaign.

Resource pools, capacity, campaigns and demands are created with the resources models directly
(the contract between the apps); requirements through their services, with lens scores set
as scoring would derive them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from truce.requirements.models import Requirement
from truce.requirements.services import prerequisite_add, requirement_create, requirement_move
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool

MONTH = date(2026, 7, 1)
# title, side, product, operations (lens scores, 0–1), demand value, engineering days, status
REQUIREMENTS = [
    ("灰度发布", "product", 0.8, 0.2, 50000, 8, "accepted"),
    ("会员积分", "operations", 0.3, 0.9, 90000, 6, "accepted"),
    ("搜索优化", "product", 0.7, 0.3, 10000, 7, "under_review"),
    ("商家后台", "product", 0.5, 0.1, 0, 9, "proposed"),
    ("拉新海报", "operations", 0.2, 0.6, 20000, 3, "accepted"),
]


def _walk(ctx, req, status):
    path = {
        "proposed": [],
        "under_review": ["under_review"],
        "accepted": ["under_review", "accepted"],
    }
    for step in path[status]:
        requirement_move(ctx=ctx, requirement=req, status=step)


def pools(ws, month: date = MONTH) -> tuple[ResourcePool, ResourcePool]:
    dev = ResourcePool.objects.create(
        workspace=ws, name="研发 planning", kind="days", unit="人天", side="product"
    )
    budget = ResourcePool.objects.create(
        workspace=ws, name="市场预算 planning", kind="money", unit="元", side="operations"
    )
    Capacity.objects.create(pool=dev, start=month, amount=Decimal(20))
    Capacity.objects.create(pool=budget, start=month, amount=Decimal(100))
    return dev, budget


def planning_world(ctx, month: date = MONTH) -> dict:
    ws = ctx.workspace
    dev, budget = pools(ws, month)
    reqs = []
    for title, side, product, operations, demand, days, status in REQUIREMENTS:
        req = requirement_create(ctx=ctx, title=title, origin_side=side)
        _walk(ctx, req, status)
        Requirement.objects.filter(pk=req.pk).update(
            product_score=product, operations_score=operations, demand_value=Decimal(demand)
        )
        Demand.objects.create(pool=dev, start=month, amount=Decimal(days), requirement=req)
        req.refresh_from_db()
        reqs.append(req)
    prerequisite_add(ctx=ctx, requirement=reqs[4], prerequisite=reqs[1])
    campaign = Campaign.objects.create(
        workspace=ws,
        number=1,
        title="双十一预热",
        channel="push",
        status="proposed",
        operations_score=8.0,
        product_score=1.0,
        created_by=ctx.membership.user,
    )
    campaign.promotes.add(reqs[1])
    Demand.objects.create(pool=budget, start=month, amount=Decimal(60), campaign=campaign)
    return {"pools": (dev, budget), "requirements": reqs, "campaign": campaign, "month": month}
