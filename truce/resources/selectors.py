"""Reads of pools, capacities and demands: loads per slot, over-commitment, the capacity
calendar, and the inputs of planning.

Stable interface for the planning app (keep names and signatures):

``planning_inputs(workspace, starts=None) -> PlanningInputs``
    Every pool with its capacity per period and the demands of open requirements and
    campaigns, keyed by requirement id / campaign id, plus each open campaign's promoted
    requirement ids. ``starts`` maps a pool id to the period starts to plan (the horizon):
    when given, only those pools and periods are returned, every listed period has a capacity
    (0 where none is recorded) and demands elsewhere are listed in ``outside`` instead.
    Without it, every non-archived pool is returned with every period that has a capacity or
    an open demand (again 0 where no capacity is recorded), so each demand's slot exists.
    Amounts are Decimal; slots are ``(pool id, period start)``. Campaign lens scores are 0–10.

``utilisation(workspace) -> list[SlotUse]``
    One row per (pool, period) with a capacity or an open demand: capacity (0 when none is
    recorded), demand of scheduled items, demand of every open item (scheduled included) and
    whether the slot is over-committed (truce.domain.capacity.overcommitted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from truce.domain import capacity as cap
from truce.resources.models import Campaign, Capacity, Demand, Granularity, ResourcePool

Slot = tuple[int, date]
ZERO = Decimal(0)
CENT = Decimal("0.01")
HORIZON = {cap.WEEK: 8, cap.MONTH: 6, cap.QUARTER: 4}

SCHEDULED_Q = Q(requirement__status__in=cap.SCHEDULED_REQUIREMENT) | Q(
    campaign__status__in=cap.SCHEDULED_CAMPAIGN
)
OPEN_Q = Q(requirement__status__in=cap.OPEN_REQUIREMENT) | Q(campaign__status__in=cap.OPEN_CAMPAIGN)


@dataclass(frozen=True)
class SlotUse:
    """What one pool offers and is asked for in one period."""

    pool: ResourcePool
    start: date
    capacity: Decimal
    scheduled: Decimal
    candidate: Decimal
    overcommitted: bool
    has_capacity: bool = True

    @property
    def label(self) -> str:
        return cap.label(self.start, self.pool.granularity)

    @property
    def utilisation(self) -> float | None:
        return cap.ratio(self.scheduled, self.capacity)

    @property
    def candidate_utilisation(self) -> float | None:
        return cap.ratio(self.candidate, self.capacity)


@dataclass(frozen=True)
class PoolInput:
    id: int
    name: str
    kind: str
    unit: str
    side: str
    granularity: str
    capacity: dict[date, Decimal]


@dataclass(frozen=True)
class OutsideDemand:
    """A demand that falls outside the requested horizon (kind: "requirement"/"campaign")."""

    kind: str
    item_id: int
    pool_id: int
    start: date
    amount: Decimal


@dataclass(frozen=True)
class PlanningInputs:
    pools: list[PoolInput]
    requirement_demands: dict[int, dict[Slot, Decimal]]
    campaign_demands: dict[int, dict[Slot, Decimal]]
    campaign_promotes: dict[int, list[int]]
    outside: list[OutsideDemand] = field(default_factory=list)


# Loads -------------------------------------------------------------------------------------


def loads(workspace, *, pool_ids=None, first: date | None = None, last: date | None = None):
    """``{(pool id, start): domain Load}`` for every slot with a capacity or an open demand,
    in two aggregate queries."""
    caps = Capacity.objects.filter(pool__workspace=workspace)
    demands = Demand.objects.filter(pool__workspace=workspace)
    if pool_ids is not None:
        caps, demands = caps.filter(pool_id__in=pool_ids), demands.filter(pool_id__in=pool_ids)
    if first is not None:
        caps, demands = caps.filter(start__gte=first), demands.filter(start__gte=first)
    if last is not None:
        caps, demands = caps.filter(start__lte=last), demands.filter(start__lte=last)
    capacities = {(c["pool_id"], c["start"]): c["amount"] for c in caps.values()}
    sums = demands.values("pool_id", "start").annotate(
        scheduled=Sum("amount", filter=SCHEDULED_Q), candidate=Sum("amount", filter=OPEN_Q)
    )
    rows = []
    for row in sums:
        slot = (row["pool_id"], row["start"])
        # Databases differ in the scale of a sum (SQLite drops it): always two places.
        scheduled = Decimal(row["scheduled"] or ZERO).quantize(CENT)
        rows.append((slot, cap.SCHEDULED, scheduled))
        rows.append(
            (slot, cap.CANDIDATE, Decimal(row["candidate"] or ZERO).quantize(CENT) - scheduled)
        )
    return cap.loads(capacities, [r for r in rows if r[2]])


def loads_for_slots(workspace, slots) -> dict[Slot, cap.Load]:
    """Loads of just these slots (a missing slot has nothing: an empty Load)."""
    slots = set(slots)
    if not slots:
        return {}
    found = loads(
        workspace,
        pool_ids={p for p, _ in slots},
        first=min(s for _, s in slots),
        last=max(s for _, s in slots),
    )
    return {slot: found.get(slot, cap.Load()) for slot in slots}


def overcommitted_slots(workspace) -> set[Slot]:
    return {slot for slot, load in loads(workspace).items() if load.overcommitted}


def _use(pool: ResourcePool, start: date, load: cap.Load) -> SlotUse:
    return SlotUse(
        pool=pool,
        start=start,
        capacity=load.capacity if load.capacity is not None else ZERO,
        scheduled=load.scheduled,
        candidate=load.candidate,
        overcommitted=load.overcommitted,
        has_capacity=load.capacity is not None,
    )


def utilisation(workspace, *, pool_ids=None, overcommitted_only: bool = False) -> list[SlotUse]:
    """See the module docstring. Ordered by pool name, then period."""
    pools = {p.pk: p for p in ResourcePool.objects.filter(workspace=workspace)}
    uses = [
        _use(pools[pool_id], start, load)
        for (pool_id, start), load in loads(workspace, pool_ids=pool_ids).items()
        if pool_id in pools and (load.overcommitted or not overcommitted_only)
    ]
    return sorted(uses, key=lambda u: (u.pool.name, u.pool.pk, u.start))


# Pages -------------------------------------------------------------------------------------


def calendar(workspace, granularity: str, first: date) -> dict:
    """Pools of one period length × the next periods from ``first``: each cell a SlotUse."""
    starts = cap.periods(first, granularity, HORIZON[granularity])
    pools = list(ResourcePool.objects.filter(workspace=workspace, granularity=granularity))
    pools = [p for p in pools if not p.archived]
    found = loads(workspace, pool_ids=[p.pk for p in pools], first=starts[0], last=starts[-1])
    rows = [
        {"pool": p, "cells": [_use(p, s, found.get((p.pk, s), cap.Load())) for s in starts]}
        for p in pools
    ]
    labels = [cap.label(s, granularity) for s in starts]
    return {
        "starts": starts,
        "labels": labels,
        "rows": rows,
        "previous": cap.label(cap.shift(first, granularity, -len(starts)), granularity),
        "next": cap.label(cap.shift(first, granularity, len(starts)), granularity),
        "chart": _chart(rows, labels),
        "overcommitted": sum(c.overcommitted for r in rows for c in r["cells"]),
    }


def _chart(rows, labels) -> dict:
    """Plotly data: scheduled utilisation (%) per pool and period, 100% marks the capacity."""
    return {
        "labels": labels,
        "pools": [
            {
                "name": r["pool"].name,
                "values": [
                    None if c.utilisation is None else round(c.utilisation * 100, 1)
                    for c in r["cells"]
                ],
            }
            for r in rows
        ],
    }


def calendar_row(pool: ResourcePool, starts: list[date]) -> dict:
    found = loads(pool.workspace, pool_ids=[pool.pk], first=starts[0], last=starts[-1])
    return {
        "pool": pool,
        "cells": [_use(pool, s, found.get((pool.pk, s), cap.Load())) for s in starts],
    }


def pool_overview(pool: ResourcePool, today: date | None = None) -> dict:
    """The pool's slots from the current period on (at least the next horizon), and the
    demands of open items per period with who contributes to an over-commitment."""
    today = today or timezone.localdate()
    current = cap.period_start(today, pool.granularity)
    found = {s: load for (_p, s), load in loads(pool.workspace, pool_ids=[pool.pk]).items()}
    starts = set(cap.periods(current, pool.granularity, HORIZON[pool.granularity]))
    starts |= {s for s in found if s >= current}
    uses = [_use(pool, s, found.get(s, cap.Load())) for s in sorted(starts)]
    past = [_use(pool, s, found[s]) for s in sorted(found) if s < current][-6:]
    demands = list(
        Demand.objects.filter(pool=pool, start__gte=current)
        .filter(OPEN_Q)
        .select_related("requirement", "campaign")
        .order_by("start", "-amount", "pk")[:500]
    )
    by_start = defaultdict(list)
    for d in demands:
        annotate_demand(d, pool, found.get(d.start, cap.Load()))
        by_start[d.start].append(d)
    return {
        "periods": [{"use": u, "demands": by_start.get(u.start, [])} for u in uses],
        "past": past,
        "overcommitted": [u for u in uses if u.overcommitted],
    }


def annotate_demand(demand: Demand, pool: ResourcePool, load: cap.Load) -> Demand:
    """Attach the period label, the slot's load, the item and whether it contributes."""
    demand.label = cap.label(demand.start, pool.granularity)
    demand.load = load
    item = demand.requirement if demand.requirement_id else demand.campaign
    demand.item = item
    demand.item_kind = "requirement" if demand.requirement_id else "campaign"
    demand.stage = cap.stage(demand.item_kind, item.status) if item is not None else None
    demand.contributes = load.overcommitted and demand.stage == cap.SCHEDULED
    return demand


def demands_of(*, requirement=None, campaign=None) -> list[Demand]:
    """An item's demands with their slots' loads: three queries."""
    owner = {"requirement": requirement} if requirement is not None else {"campaign": campaign}
    item = requirement if requirement is not None else campaign
    demands = list(Demand.objects.filter(**owner).select_related("pool").order_by("start", "pool"))
    found = loads_for_slots(item.workspace, {(d.pool_id, d.start) for d in demands})
    for d in demands:
        setattr(d, "requirement" if requirement is not None else "campaign", item)
        annotate_demand(d, d.pool, found[(d.pool_id, d.start)])
    return demands


def flagged(demands: list[Demand]) -> bool:
    """Whether the item's demands make it contribute to an over-commitment."""
    return any(d.contributes for d in demands)


def flagged_campaigns(workspace, campaign_ids) -> set[int]:
    """Which of these campaigns are scheduled and draw on an over-committed slot."""
    rows = list(
        Demand.objects.filter(
            campaign_id__in=list(campaign_ids), campaign__status__in=cap.SCHEDULED_CAMPAIGN
        ).values_list("campaign_id", "pool_id", "start")
    )
    found = loads_for_slots(workspace, {(p, s) for _c, p, s in rows})
    return {c for c, p, s in rows if found[(p, s)].overcommitted}


def active_pools(workspace):
    return ResourcePool.objects.filter(workspace=workspace, archived=False)


def period_choices(pools, today: date | None = None, n: int = 12) -> list[tuple[str, list]]:
    """Grouped choices of period labels for the pools' lengths: (group label, [(v, v)])."""
    today = today or timezone.localdate()
    present = {p.granularity for p in pools}
    return [
        (str(label), [(cap.label(s, g), cap.label(s, g)) for s in cap.periods(today, g, n)])
        for g, label in Granularity.choices
        if g in present
    ]


def suggestions(requirement, pools, demands) -> list[dict]:
    """One-click demands from the requirement's estimates: person-days on the workspace's
    first days pool, budget on its first money pool, each in the next period; only where
    the requirement has no demand on that pool yet."""
    used = {d.pool_id for d in demands}
    wanted = [("days", requirement.estimate_days), ("money", requirement.estimate_budget)]
    out = []
    for kind, amount in wanted:
        pool = next((p for p in pools if p.kind == kind and not p.archived), None)
        if not amount or pool is None or pool.pk in used:
            continue
        start = cap.shift(timezone.localdate(), pool.granularity, 1)
        out.append(
            {
                "kind": kind,
                "pool": pool,
                "amount": amount,
                "period": cap.label(start, pool.granularity),
            }
        )
    return out


# Campaign list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFilter:
    status: tuple[str, ...] = ()
    channel: str = ""
    owner: int | None = None
    period: tuple[date, date] | None = None


def filter_campaigns(workspace, f: CampaignFilter):
    qs = Campaign.objects.filter(workspace=workspace)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.period:
        first, last = f.period
        # Dated campaigns overlapping the period, or undated ones with demand in it.
        qs = qs.filter(
            Q(starts_on__lte=last, ends_on__gte=first)
            | Q(starts_on__lte=last, ends_on__isnull=True, starts_on__gte=first)
            | Q(starts_on__isnull=True, demands__start__gte=first, demands__start__lte=last)
        ).distinct()
    return qs.select_related("owner").order_by("-number")


# Planning ----------------------------------------------------------------------------------


def planning_inputs(workspace, starts: dict[int, list[date]] | None = None) -> PlanningInputs:
    """See the module docstring."""
    pools = ResourcePool.objects.filter(workspace=workspace)
    pools = (
        pools.filter(pk__in=list(starts)) if starts is not None else pools.exclude(archived=True)
    )
    pools = list(pools.order_by("name", "pk"))
    capacity = {p.pk: {} for p in pools}
    for c in Capacity.objects.filter(pool__in=pools).values("pool_id", "start", "amount"):
        capacity[c["pool_id"]][c["start"]] = c["amount"]
    horizon = {p.pk: set(starts[p.pk]) for p in pools} if starts is not None else None
    if horizon is not None:
        capacity = {pk: {s: capacity[pk].get(s, ZERO) for s in horizon[pk]} for pk in capacity}
    per_item = {"requirement": defaultdict(dict), "campaign": defaultdict(dict)}
    outside = []
    rows = Demand.objects.filter(pool__workspace=workspace).filter(OPEN_Q)
    for d in rows.values("requirement_id", "campaign_id", "pool_id", "start", "amount"):
        kind = "requirement" if d["requirement_id"] else "campaign"
        item_id, slot = d[f"{kind}_id"], (d["pool_id"], d["start"])
        if d["pool_id"] not in capacity or (horizon and d["start"] not in horizon[d["pool_id"]]):
            outside.append(OutsideDemand(kind, item_id, d["pool_id"], d["start"], d["amount"]))
            continue
        per_item[kind][item_id][slot] = d["amount"]
        capacity[d["pool_id"]].setdefault(d["start"], ZERO)
    promotes = defaultdict(list)
    through = Campaign.promotes.through.objects.filter(
        campaign__workspace=workspace, campaign__status__in=cap.OPEN_CAMPAIGN
    )
    for campaign_id, requirement_id in through.values_list("campaign_id", "requirement_id"):
        promotes[campaign_id].append(requirement_id)
    return PlanningInputs(
        pools=[
            PoolInput(
                p.pk,
                p.name,
                p.kind,
                p.unit,
                p.side,
                p.granularity,
                dict(sorted(capacity[p.pk].items())),
            )
            for p in pools
        ],
        requirement_demands=dict(per_item["requirement"]),
        campaign_demands=dict(per_item["campaign"]),
        campaign_promotes={k: sorted(v) for k, v in promotes.items()},
        outside=outside,
    )
