"""Demo pools, capacities, campaigns and demands.

Spark (Chinese) plans the next three months: engineering, test and design days, a marketing
budget and shared channel slots. Next month asks for more than there is (a real trade-off for
a planning scenario), and this month's test days are over-committed by two scheduled
requirements. Northwind (English) gets a smaller version.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from truce.core.access import access_workspace
from truce.domain import capacity as cap
from truce.requirements.models import Requirement
from truce.resources import services
from truce.resources.models import ResourcePool

# name, kind, side, unit, capacity in each of the three months
SPARK_POOLS = [
    ("研发人日", "days", "product", "人日", (60, 60, 60)),
    ("测试人日", "days", "product", "人日", (20, 20, 20)),
    ("设计人日", "days", "product", "人日", (15, 15, 15)),
    ("市场预算", "money", "operations", "元", (300000, 500000, 200000)),
    ("渠道资源", "custom", "shared", "条", (10, 10, 10)),
]
# requirement number -> [(pool, month offset, amount)]
SPARK_REQUIREMENT_DEMANDS = {
    1: [("研发人日", 1, 15), ("测试人日", 1, 3), ("设计人日", 1, 4)],
    2: [("研发人日", 0, 25), ("测试人日", 0, 12), ("设计人日", 0, 6)],
    3: [("研发人日", 0, 30), ("研发人日", 1, 10), ("测试人日", 0, 10)],
    4: [("研发人日", 1, 20), ("设计人日", 1, 5)],
    5: [("研发人日", 1, 6), ("测试人日", 1, 2)],
    6: [("研发人日", 1, 25), ("测试人日", 2, 4)],
    10: [("研发人日", 2, 7)],
    11: [("研发人日", 1, 9)],
}
# title, channel, status, (start offset days, length days), promotes, reach, new users,
# revenue (元), operations score, product score, [(pool, month offset, amount)], description
SPARK_CAMPAIGNS = [
    ("双十二大促", "event", "scheduled", (31, 12), [4, 1], 2000000, 80000, 3000000, 9, 6,
     [("市场预算", 1, 250000), ("渠道资源", 1, 4)],
     "全站满 300 减 40，会场 + 直播间联动。\n\n- 依赖 **#4 直播间挂件**\n- 新人礼包承接"),
    ("新人专享券短信召回", "sms", "proposed", (35, 7), [1], 300000, 12000, 400000, 7, None,
     [("市场预算", 1, 40000), ("渠道资源", 1, 3)],
     "注册未下单用户短信召回，配合新人首单礼包。"),
    ("社群拉新裂变", "community", "proposed", (40, 14), [1], 150000, 20000, 250000, 8, 4,
     [("市场预算", 1, 60000), ("渠道资源", 1, 2)],
     "老带新：邀请 3 位好友得无门槛券。"),
    ("直播带货专场", "event", "proposed", (45, 3), [4], 800000, 15000, 1200000, 8, 5,
     [("市场预算", 1, 180000), ("渠道资源", 1, 3)],
     "头部主播专场，需要直播间挂件上线。"),
    ("会员积分狂欢周", "push", "draft", (65, 7), [6], 500000, 3000, 600000, 6, None,
     [("市场预算", 2, 80000), ("渠道资源", 2, 4)],
     "积分抵现上线后的推广。"),
    ("年货节内容种草", "content", "draft", (70, 20), [], 1000000, 25000, 900000, 7, None,
     [("市场预算", 2, 120000), ("渠道资源", 2, 2)],
     "小红书 + 抖音内容投放。"),
    ("推送唤醒沉睡用户", "push", "running", (0, 20), [3], 600000, 0, 300000, 5, 3,
     [("市场预算", 0, 50000), ("渠道资源", 0, 3)],
     "按频控规则分批推送。"),
    ("双十一复盘投放", "paid", "done", (-40, 10), [], 1500000, 40000, 2500000, 8, None, [],
     "已结束，复盘见会议纪要。"),
]  # fmt: skip

NORTHWIND_POOLS = [
    ("Engineering days", "days", "product", "days", (40, 40, 40)),
    ("Marketing budget", "money", "operations", "USD", (20000, 30000, 20000)),
]
NORTHWIND_REQUIREMENT_DEMANDS = {1: [("Engineering days", 1, 12)], 2: [("Engineering days", 0, 8)]}
NORTHWIND_CAMPAIGNS = [
    ("Referral launch e-mail", "email", "proposed", (33, 7), [1], 50000, 1500, 30000, None, None,
     [("Marketing budget", 1, 8000)], "Announce give $10, get $10 to active users."),
    ("Spring webinar", "event", "draft", (60, 1), [2], 2000, 300, 10000, None, None,
     [("Marketing budget", 2, 5000)], "Onboarding best practices, live."),
]  # fmt: skip

STEPS = {
    "draft": [],
    "proposed": ["proposed"],
    "scheduled": ["proposed", "scheduled"],
    "running": ["proposed", "scheduled", "running"],
    "done": ["proposed", "scheduled", "running", "done"],
}


def seed(ws, spec, users) -> None:
    if ResourcePool.objects.filter(workspace=ws).exists():
        return
    chinese = spec.get("language") == "zh-hans"
    names = [n for n, *_ in spec["members"]]
    planner = access_workspace(users["lena" if "lena" in names else names[0]], ws.slug)
    ops = access_workspace(users["olivia" if "olivia" in names else names[0]], ws.slug)
    months = cap.periods(date.today(), cap.MONTH, 3)
    pools = _pools(planner, SPARK_POOLS if chinese else NORTHWIND_POOLS, months)
    demands = SPARK_REQUIREMENT_DEMANDS if chinese else NORTHWIND_REQUIREMENT_DEMANDS
    by_number = {r.number: r for r in Requirement.objects.filter(workspace=ws)}
    for number, needs in demands.items():
        if number in by_number:
            for pool, offset, amount in needs:
                services.demand_add(
                    ctx=planner, pool=pools[pool], start=months[offset],
                    amount=Decimal(amount), requirement=by_number[number],
                )  # fmt: skip
    for row in SPARK_CAMPAIGNS if chinese else NORTHWIND_CAMPAIGNS:
        _campaign(ops, planner, row, pools, months, by_number)


def _pools(ctx, rows, months) -> dict[str, ResourcePool]:
    out = {}
    for name, kind, side, unit, amounts in rows:
        pool = services.pool_create(ctx=ctx, name=name, kind=kind, side=side, unit=unit)
        services.capacities_set(
            ctx=ctx, pool=pool, expected_version=pool.version,
            amounts={m: Decimal(a) for m, a in zip(months, amounts, strict=True)},
        )  # fmt: skip
        out[name] = pool
    return out


def _campaign(ops, lead, row, pools, months, by_number) -> None:
    (title, channel, status, (offset, length), promotes, reach, new_users, revenue,
     ops_score, product_score, needs, text) = row  # fmt: skip
    starts = date.today() + timedelta(days=offset)
    lenses = ops.role in ("operations", "lead")
    campaign = services.campaign_create(
        ctx=ops,
        title=title,
        channel=channel,
        description=text,
        starts_on=starts,
        ends_on=starts + timedelta(days=length),
        owner=ops.membership.user,
        expected_reach=reach,
        expected_new_users=new_users,
        expected_revenue=Decimal(revenue),
        operations_score=ops_score if lenses else None,
        promotes=[by_number[n] for n in promotes if n in by_number],
    )
    if product_score is not None and lead.role == "lead":
        services.campaign_update(
            ctx=lead, campaign=campaign, expected_version=None, product_score=product_score
        )
    for pool, month, amount in needs:
        services.demand_add(
            ctx=ops, pool=pools[pool], start=months[month], amount=Decimal(amount),
            campaign=campaign,
        )  # fmt: skip
    for step in STEPS[status]:
        services.campaign_move(ctx=ops, campaign=campaign, status=step)
