"""Resources for the large workspace: 6 pools × 3 months of capacity, ~150 campaigns, and
demands for 1,000 candidate requirements (tagged ``资源规划``) — the planning benchmark's input.

Rows go in with ``bulk_create``; capacity is set to about a third of what the candidates ask
for in each pool and month, so the optimiser has real choices to make. Deterministic for a
given ``rng``; does nothing when the workspace already has pools.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max

from truce.requirements.models import Requirement, Status, Tag
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool

CANDIDATE_TAG = "资源规划"
CANDIDATES = 1000
CAMPAIGNS = 150
TIGHTNESS = 0.35  # capacity as a share of the candidates' total demand per pool and month
# name, kind, unit, side, (share of requirements asking, lognormal mu, sigma) or None
POOLS = [
    ("研发 Engineering", "days", "人天", "product", (0.95, 2.0, 0.7)),
    ("设计 Design", "days", "人天", "product", (0.4, 1.0, 0.6)),
    ("测试 QA", "days", "人天", "product", (0.5, 1.2, 0.6)),
    ("市场预算 Marketing", "money", "元", "operations", None),
    ("推送位 Push slots", "custom", "次", "operations", None),
    ("内容运营 Content", "days", "人天", "shared", (0.15, 1.0, 0.5)),
]
CHANNELS = ["push", "sms", "community", "paid", "event", "content", "email"]
CAMPAIGN_WORDS = ["双十一预热", "新客礼包", "会员日", "直播带货", "社群裂变", "短信召回",
                  "Spring sale", "Referral push", "Content series", "Brand week"]  # fmt: skip


def months_from(today: date, count: int = 3) -> list[date]:
    first = today.replace(day=1)
    out = []
    for k in range(count):
        month = first.month - 1 + k
        out.append(date(first.year + month // 12, month % 12 + 1, 1))
    return out


@transaction.atomic
def seed_large_resources(
    workspace, rng: random.Random, *, today: date | None = None, size=None
) -> int:
    """Add pools, capacity, campaigns and demands to ``workspace``; returns the demand count.
    ``size`` (``truce.seed.large.Size``) sets how many candidates and campaigns."""
    if ResourcePool.objects.filter(workspace=workspace).exists():
        return 0
    months = months_from(today or date.today())
    pools = ResourcePool.objects.bulk_create(
        ResourcePool(workspace=workspace, name=name, kind=kind, unit=unit, side=side)
        for name, kind, unit, side, _profile in POOLS
    )
    candidates = _candidates(workspace, size.candidates if size else CANDIDATES)
    demands = _requirement_demands(rng, pools, candidates, months)
    campaigns = _campaigns(workspace, rng, candidates, size.campaigns if size else CAMPAIGNS)
    demands += _campaign_demands(rng, pools, campaigns, months)
    Demand.objects.bulk_create(demands, batch_size=2000)
    _capacity(pools, demands, months)
    _prerequisites(rng, candidates)
    return len(demands)


def _candidates(workspace, count: int) -> list[Requirement]:
    """``count`` (1,000) accepted requirements, scored ones first, tagged as the benchmark's
    candidates."""
    picked = list(
        Requirement.objects.filter(workspace=workspace, status=Status.ACCEPTED)
        .order_by(F("product_score").desc(nulls_last=True), "number")
        .only("id", "number")[:count]
    )
    tag, _created = Tag.objects.get_or_create(workspace=workspace, name=CANDIDATE_TAG)
    Requirement.tags.through.objects.bulk_create(
        [Requirement.tags.through(requirement_id=r.pk, tag_id=tag.pk) for r in picked],
        ignore_conflicts=True,
    )
    return picked


def _amount(rng: random.Random, mu: float, sigma: float) -> Decimal:
    return Decimal(str(round(max(0.5, rng.lognormvariate(mu, sigma)), 1)))


def _requirement_demands(rng, pools, candidates, months) -> list[Demand]:
    out = []
    for req in candidates:
        span = months[rng.randrange(len(months)) :][: rng.choice((1, 1, 2))]
        for pool, (*_rest, profile) in zip(pools, POOLS, strict=True):
            if profile is None or rng.random() > profile[0]:
                continue
            for month in span:
                out.append(
                    Demand(pool=pool, start=month, amount=_amount(rng, *profile[1:]),
                           requirement_id=req.pk)
                )  # fmt: skip
    return out


def _campaigns(workspace, rng, candidates, count: int) -> list[Campaign]:
    first = (Campaign.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"] or 0) + 1
    rows = [
        Campaign(
            workspace=workspace,
            number=first + k,
            title=f"{rng.choice(CAMPAIGN_WORDS)} #{first + k}",
            channel=rng.choice(CHANNELS),
            status=rng.choice(("draft", "proposed", "proposed")),
            operations_score=round(rng.uniform(3, 9.5), 1),
            product_score=round(rng.uniform(0, 5), 1),
            expected_reach=rng.randrange(10_000, 2_000_000),
        )
        for k in range(count)
    ]
    campaigns = Campaign.objects.bulk_create(rows)
    links = []
    for campaign in campaigns:
        for req in rng.sample(candidates, rng.choice((0, 1, 1, 1, 2))):
            links.append(Campaign.promotes.through(campaign_id=campaign.pk, requirement_id=req.pk))
    Campaign.promotes.through.objects.bulk_create(links)
    return campaigns


def _campaign_demands(rng, pools, campaigns, months) -> list[Demand]:
    budget, push, content = pools[3], pools[4], pools[5]
    out = []
    for campaign in campaigns:
        month = rng.choice(months)
        amount = Decimal(rng.randrange(10, 200) * 1000)
        out.append(Demand(pool=budget, start=month, amount=amount, campaign_id=campaign.pk))
        if rng.random() < 0.6:
            out.append(Demand(pool=push, start=month, amount=Decimal(rng.randrange(1, 8)),
                              campaign_id=campaign.pk))  # fmt: skip
        if rng.random() < 0.5:
            out.append(Demand(pool=content, start=month, amount=_amount(rng, 1.2, 0.5),
                              campaign_id=campaign.pk))  # fmt: skip
    return out


def _capacity(pools, demands, months) -> None:
    asked: dict[tuple[int, date], Decimal] = {}
    for d in demands:
        asked[(d.pool_id, d.start)] = asked.get((d.pool_id, d.start), Decimal(0)) + d.amount
    Capacity.objects.bulk_create(
        Capacity(
            pool=pool,
            start=month,
            amount=(asked.get((pool.pk, month), Decimal(0)) * Decimal(str(TIGHTNESS))).quantize(
                Decimal(1)
            ),
        )
        for pool in pools
        for month in months
    )


def _prerequisites(rng, candidates) -> None:
    """About 5% of the candidates need an earlier one (earlier → never a cycle)."""
    through = Requirement.prerequisites.through
    edges = []
    for k in range(1, len(candidates)):
        if rng.random() < 0.05:
            prereq = candidates[rng.randrange(k)]
            edges.append(through(from_requirement_id=candidates[k].pk,
                                 to_requirement_id=prereq.pk))  # fmt: skip
    through.objects.bulk_create(edges, ignore_conflicts=True)
