"""A scenario's candidates, capacities and demands read from the database into engine inputs.

Reads truce.resources' models directly (they are the contract between the two apps): pools
and their capacity per period, campaigns, and what each item demands from each pool.

Couplings: a campaign cannot run without the features it promotes, and a requirement not
without its prerequisites. Those not yet under way are pulled into the candidates (marked
``pulled_in``); those already in progress or released count as satisfied.

Every value is on a 0–10 scale: requirement lens scores (stored 0–1) times ten, campaign lens
scores as they are (0–10), customer demand as a share of the most demanded candidate's.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from truce.planning.engine import slot_key
from truce.planning.models import Scenario
from truce.requirements.models import Requirement, Status
from truce.resources.models import Campaign, CampaignStatus, Capacity, Demand, ResourcePool

SATISFIED = {Status.IN_PROGRESS, Status.RELEASED, Status.REVIEWED}
OPEN_CAMPAIGNS = [CampaignStatus.DRAFT, CampaignStatus.PROPOSED, CampaignStatus.SCHEDULED]
REQUIREMENT_FIELDS = (
    "id",
    "number",
    "title",
    "origin_side",
    "status",
    "product_score",
    "operations_score",
    "demand_value",
    "owner__display_name",
    "owner__username",
)
CAMPAIGN_FIELDS = (
    "id",
    "number",
    "title",
    "status",
    "product_score",
    "operations_score",
    "owner__display_name",
    "owner__username",
)


def requirement_key(number: int) -> str:
    return f"R{number}"


def campaign_key(number: int) -> str:
    return f"C{number}"


def available_periods(workspace) -> list[date]:
    """Every period some active pool offers capacity in, oldest first."""
    return list(
        Capacity.objects.filter(pool__workspace=workspace, pool__archived=False)
        .order_by("start")
        .values_list("start", flat=True)
        .distinct()
    )


def horizon_of(scenario: Scenario) -> list[str]:
    """The scenario's periods: as chosen; else those inside its planning period; else all."""
    if scenario.horizon:
        return sorted(str(d) for d in scenario.horizon)
    periods = available_periods(scenario.workspace)
    if scenario.period_id is not None:
        period = scenario.period
        periods = [p for p in periods if period.start <= p <= period.end]
    return [p.isoformat() for p in periods]


def _numbers(keys, prefix: str) -> list[int]:
    return [int(k[1:]) for k in keys if k.startswith(prefix) and k[1:].isdigit()]


def _requirement_filter(scenario: Scenario) -> Q:
    q = Q()
    if scenario.statuses:
        q &= Q(status__in=scenario.statuses)
    else:
        q &= ~Q(status__in=[Status.RELEASED, Status.REVIEWED, Status.REJECTED])
    if scenario.tags:
        q &= Q(
            pk__in=Requirement.tags.through.objects.filter(tag__name__in=scenario.tags).values(
                "requirement_id"
            )
        )
    if scenario.side:
        q &= Q(origin_side=scenario.side)
    if scenario.owner_id:
        q &= Q(owner_id=scenario.owner_id)
    return q


def _campaign_filter(scenario: Scenario) -> Q | None:
    if not scenario.include_campaigns or scenario.side == "product":
        return None
    q = Q(status__in=OPEN_CAMPAIGNS)
    if scenario.owner_id:
        q &= Q(owner_id=scenario.owner_id)
    return q


def _owner(row: dict) -> str:
    return row["owner__display_name"] or row["owner__username"] or ""


def _requirements(workspace, q: Q) -> dict[int, dict]:
    rows = Requirement.objects.filter(q, workspace=workspace).values(*REQUIREMENT_FIELDS)
    return {row["id"]: row for row in rows}


def candidates(scenario: Scenario) -> tuple[dict[int, dict], dict[int, dict]]:
    """Requirement and campaign rows by id: the filter's, the hand-picked, and what they pull
    in (promoted features and prerequisites, transitively)."""
    ws = scenario.workspace
    picked_r = _numbers(scenario.picked, "R")
    picked_c = _numbers(scenario.picked, "C")
    reqs = _requirements(ws, _requirement_filter(scenario) | Q(number__in=picked_r))
    for row in reqs.values():
        row["pulled_in"] = False
    cq = _campaign_filter(scenario)
    cq = cq | Q(number__in=picked_c) if cq is not None else Q(number__in=picked_c)
    camps = {r["id"]: r for r in Campaign.objects.filter(cq, workspace=ws).values(*CAMPAIGN_FIELDS)}
    for row in camps.values():
        row["promotes"] = []
        row["pulled_in"] = False
    through = Campaign.promotes.through.objects.filter(campaign_id__in=list(camps))
    wanted: set[int] = set()
    for campaign_id, requirement_id in through.values_list("campaign_id", "requirement_id"):
        camps[campaign_id]["promotes"].append(requirement_id)
        wanted.add(requirement_id)
    _pull_in(ws, reqs, wanted)
    return reqs, camps


def _pull_in(workspace, reqs: dict[int, dict], wanted: set[int]) -> None:
    """Add every requirement in ``wanted`` and their prerequisites (transitively); record each
    requirement's prerequisites as ``requires``."""
    through = Requirement.prerequisites.through.objects
    done: set[int] = set()
    todo = set(reqs) | wanted
    while todo:
        missing = [pk for pk in todo if pk not in reqs]
        for pk, row in _requirements(workspace, Q(pk__in=missing)).items():
            reqs[pk] = row | {"pulled_in": True}
        for pk in todo:
            if pk in reqs:
                reqs[pk].setdefault("requires", [])
        edges = through.filter(from_requirement_id__in=list(todo)).values_list(
            "from_requirement_id", "to_requirement_id"
        )
        done |= todo
        todo = set()
        for src, dst in edges:
            if src in reqs:
                reqs[src]["requires"].append(dst)
                if dst not in done:
                    todo.add(dst)


def _usage(reqs, camps, horizon: list[str], pools: dict[int, dict]) -> dict[str, dict]:
    usage: dict[str, dict] = {}
    demands = Demand.objects.filter(
        Q(requirement_id__in=list(reqs)) | Q(campaign_id__in=list(camps)),
        pool_id__in=list(pools),
        start__in=horizon,
    ).values_list("requirement_id", "campaign_id", "pool_id", "start", "amount")
    for requirement_id, campaign_id, pool_id, start, amount in demands:
        key = requirement_key(reqs[requirement_id]["number"]) if requirement_id else None
        key = key or campaign_key(camps[campaign_id]["number"])
        slot = slot_key(f"P{pool_id}", start.isoformat())
        usage.setdefault(key, {})[slot] = float(amount)
    return usage


def _pools(workspace, horizon: list[str]) -> tuple[dict[int, dict], dict[str, float]]:
    pools = {
        p.pk: {"name": p.name, "unit": p.unit, "kind": p.kind, "side": p.side}
        for p in ResourcePool.objects.filter(workspace=workspace, archived=False)
    }
    capacity = {slot_key(f"P{pool}", period): 0.0 for pool in pools for period in horizon}
    rows = Capacity.objects.filter(pool_id__in=list(pools), start__in=horizon)
    for pool_id, start, amount in rows.values_list("pool_id", "start", "amount"):
        capacity[slot_key(f"P{pool_id}", start.isoformat())] = float(amount)
    return pools, capacity


def _score(value) -> float:
    """A lens score as stored (requirements 0–1, campaigns 0–10), missing as 0."""
    return float(value) if value is not None else 0.0


def build_inputs(scenario: Scenario) -> dict:
    """The engine's inputs for ``scenario`` as the database holds it now."""
    horizon = horizon_of(scenario)
    pools, capacity = _pools(scenario.workspace, horizon)
    reqs, camps = candidates(scenario)
    usage = _usage(reqs, camps, horizon, pools)
    top = max((float(r["demand_value"]) for r in reqs.values()), default=0.0)
    satisfied = {pk for pk, r in reqs.items() if r["status"] in SATISFIED}
    items = []
    for pk, r in sorted(reqs.items(), key=lambda kv: kv[1]["number"]):
        if pk in satisfied:
            continue
        key = requirement_key(r["number"])
        items.append({
            "id": key, "kind": "requirement", "ref": f"#{r['number']}", "number": r["number"],
            "title": r["title"], "side": r["origin_side"], "owner": _owner(r),
            "status": r["status"], "product": 10 * _score(r["product_score"]),
            "operations": 10 * _score(r["operations_score"]),
            "customer": 10 * float(r["demand_value"]) / top if top > 0 else 0.0,
            "demand_value": float(r["demand_value"]), "usage": usage.get(key, {}),
            "requires": sorted(requirement_key(reqs[d]["number"]) for d in r["requires"]
                               if d not in satisfied),
            "promotes": [], "pulled_in": r["pulled_in"],
        })  # fmt: skip
    for _pk, c in sorted(camps.items(), key=lambda kv: kv[1]["number"]):
        key = campaign_key(c["number"])
        items.append({
            "id": key, "kind": "campaign", "ref": key, "number": c["number"],
            "title": c["title"], "side": "operations", "owner": _owner(c),
            "status": c["status"], "product": _score(c["product_score"]),
            "operations": _score(c["operations_score"]), "customer": 0.0,
            "demand_value": 0.0, "usage": usage.get(key, {}), "requires": [],
            "promotes": sorted(requirement_key(reqs[d]["number"]) for d in c["promotes"]
                               if d not in satisfied),
            "pulled_in": False,
        })  # fmt: skip
    return {
        "periods": horizon,
        "pools": {f"P{pk}": p for pk, p in pools.items()},
        "capacity": capacity,
        "items": items,
        "mandatory": list(scenario.mandatory),
        "excluded": list(scenario.excluded),
        "weights": {
            "product": scenario.product_weight,
            "operations": scenario.operations_weight,
            "customer": scenario.customer_weight,
        },
        "fairness": {"product": scenario.product_floor, "operations": scenario.operations_floor},
    }
