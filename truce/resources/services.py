"""Writes to pools, capacities, campaigns and demands. Every function is atomic.

Whatever can raise the scheduled load of a slot (a demand added or grown, a capacity lowered,
a campaign scheduled) runs inside ``watch_overcommitment``, which emits "pool.overcommitted"
for each slot the change pushed over its capacity. The planning app wraps plan publication
in it too (requirements moving to "scheduled" raise loads the same way).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from truce.accounts.models import Membership, Role, Workspace
from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.concurrency import refuse_stale
from truce.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
    validation_from_django,
)
from truce.core.markdown import render_markdown
from truce.core.models import ChangeRecord
from truce.domain import capacity as cap
from truce.domain.scoring import may_score
from truce.resources.models import (
    Campaign,
    CampaignStatus,
    Capacity,
    Demand,
    PoolSide,
    ResourcePool,
)
from truce.resources.overcommit import num as _num
from truce.resources.overcommit import watch_overcommitment

POOL_FIELDS = ["name", "kind", "unit", "side", "granularity", "description", "archived"]
CAMPAIGN_FIELDS = [
    "title",
    "description",
    "channel",
    "starts_on",
    "ends_on",
    "owner",
    "expected_reach",
    "expected_new_users",
    "expected_revenue",
    "operations_score",
    "product_score",
    "promotes",
]
MAX_AMOUNT = Decimal("999999999999.99")

S = CampaignStatus
# Forward along draft → proposed → scheduled → running → done, one step back where plans
# really change, cancelling from anywhere before done, and a cancelled idea may be redrafted.
CAMPAIGN_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.PROPOSED, S.CANCELLED),
    S.PROPOSED: (S.SCHEDULED, S.DRAFT, S.CANCELLED),
    S.SCHEDULED: (S.RUNNING, S.PROPOSED, S.CANCELLED),
    S.RUNNING: (S.DONE, S.SCHEDULED, S.CANCELLED),
    S.DONE: (),
    S.CANCELLED: (S.DRAFT,),
}
DELETABLE = (S.DRAFT, S.PROPOSED, S.CANCELLED)


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _record(ctx, subject, verb, changes) -> None:
    history.record(
        workspace=ctx.workspace, actor=ctx.membership.user, subject=subject, verb=verb,
        changes=changes,
    )  # fmt: skip


def _refuse_unknown(fields: dict, allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )


def _check_amount(amount, field: str = "amount", *, positive: bool = False) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (ArithmeticError, ValueError):
        raise ValidationFailed(fields={field: [_("Enter a number.")]}) from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise ValidationFailed(fields={field: [_("Enter an amount from 0 to 999999999999.")]})
    if positive and value == 0:
        raise ValidationFailed(fields={field: [_("Enter an amount above zero.")]})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(fields={field: [_("Use at most two decimal places.")]})
    return value.quantize(Decimal("0.01"))


# Pools -------------------------------------------------------------------------------------


def may_manage_pool(ctx: WorkspaceAccess, side: str) -> bool:
    """Each side sets its own pools' capacity; shared pools are anyone's; admins and leads
    may manage all."""
    if not ctx.can_write:
        return False
    return ctx.is_admin or ctx.role == Role.LEAD or side in (PoolSide.SHARED, ctx.membership.side)


def _check_manage(ctx: WorkspaceAccess, side: str) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    if not may_manage_pool(ctx, side):
        raise PermissionDenied(
            _("Only the %(side)s side, leads and admins manage this pool.")
            % {"side": PoolSide(side).label}
        )


def _check_unique_name(pool: ResourcePool) -> None:
    taken = ResourcePool.objects.filter(workspace=pool.workspace, name=pool.name)
    if taken.exclude(pk=pool.pk).exists():
        raise ValidationFailed(fields={"name": [_("Another pool already has this name.")]})


@transaction.atomic
def pool_create(
    *,
    ctx: WorkspaceAccess,
    name: str,
    kind: str,
    side: str,
    granularity: str = "month",
    unit: str = "",
    description: str = "",
) -> ResourcePool:
    pool = ResourcePool(
        workspace=ctx.workspace,
        name=name.strip(),
        kind=kind,
        side=side,
        granularity=granularity,
        unit=unit.strip(),
        description=description,
    )
    _clean(pool, exclude=["workspace"])
    _check_manage(ctx, side)
    _check_unique_name(pool)
    pool.save()
    _record(ctx, pool, ChangeRecord.Verb.CREATED, {"name": [None, pool.name]})
    return pool


@transaction.atomic
def pool_update(
    *, ctx: WorkspaceAccess, pool: ResourcePool, expected_version: int | None, **fields
) -> ResourcePool:
    """Change any of POOL_FIELDS. The period length is fixed once capacities or demands
    exist: their dates would no longer be the first days of periods."""
    _refuse_unknown(fields, POOL_FIELDS)
    _check_manage(ctx, pool.side)
    before = history.snapshot(pool, POOL_FIELDS)
    for name, value in fields.items():
        setattr(pool, name, value.strip() if name in ("name", "unit") else value)
    _clean(pool, exclude=["workspace"])
    _check_manage(ctx, pool.side)  # moving a pool to the other side needs that side's right
    _check_unique_name(pool)
    if pool.granularity != before["granularity"] and (
        pool.capacities.exists() or pool.demands.exists()
    ):
        raise ValidationFailed(
            fields={
                "granularity": [
                    _("This pool already has capacities or demands; its period length is fixed.")
                ]
            }
        )
    pool.save_versioned(expected_version=expected_version, update_fields=list(fields))
    changes = history.diff(before, history.snapshot(pool, POOL_FIELDS))
    if changes:
        _record(ctx, pool, ChangeRecord.Verb.UPDATED, changes)
    return pool


@transaction.atomic
def pool_delete(*, ctx: WorkspaceAccess, pool: ResourcePool, expected_version: int | None) -> None:
    """Only a pool nobody draws on can go; one with demands is archived instead."""
    _check_manage(ctx, pool.side)
    if pool.demands.exists():
        raise Conflict(
            _("Requirements or campaigns still draw on this pool: archive it instead."),
            fields={"archived": [_("Archive a pool that has demands.")]},
        )
    pool.save_versioned(expected_version=expected_version, update_fields=[])
    _record(ctx, pool, ChangeRecord.Verb.DELETED, {"name": [pool.name, None]})
    pool.delete()


def _check_start(pool: ResourcePool, start: date, field: str = "period") -> None:
    if not isinstance(start, date) or not cap.is_period_start(start, pool.granularity):
        raise ValidationFailed(
            fields={field: [_("Choose one of this pool's periods (%(granularity)s).") % {
                "granularity": pool.get_granularity_display()
            }]}
        )  # fmt: skip


@transaction.atomic
def capacities_set(
    *,
    ctx: WorkspaceAccess,
    pool: ResourcePool,
    expected_version: int | None,
    amounts: dict[date, Decimal | None],
    replace: bool = False,
) -> ResourcePool:
    """Set the capacity of each period in ``amounts`` (None removes it); with ``replace``,
    periods not listed are removed too. Bumps the pool's version: capacities are part of it."""
    _check_manage(ctx, pool.side)
    clean = {}
    for start, amount in amounts.items():
        _check_start(pool, start)
        clean[start] = None if amount is None else _check_amount(amount)
    existing = {c.start: c for c in pool.capacities.all()}
    removed = set(existing) - set(clean) if replace else set()
    slots = {(pool.pk, s) for s in set(clean) | removed}
    with watch_overcommitment(workspace=ctx.workspace, actor=ctx.membership.user, slots=slots):
        pool.save_versioned(expected_version=expected_version, update_fields=[])
        changes = {}
        for start in sorted(set(clean) | removed):
            old, new = existing.get(start), clean.get(start)
            if old is not None and (new is None or start in removed):
                old.delete()
            elif old is None and new is not None:
                Capacity.objects.create(pool=pool, start=start, amount=new)
            elif old is not None and old.amount != new:
                old.amount = new
                old.save(update_fields=["amount"])
            else:
                continue
            key = _("capacity %(period)s") % {"period": cap.label(start, pool.granularity)}
            changes[key] = [_num(old.amount) if old else None, _num(new)]
        if changes:
            _record(ctx, pool, ChangeRecord.Verb.UPDATED, changes)
    return pool


# Campaigns ---------------------------------------------------------------------------------


def _next_number(workspace: Workspace) -> int:
    # Lock the workspace row so two creators never take the same number (as requirements do).
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    top = Campaign.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _check_owner(workspace, owner) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationFailed(
            fields={"owner": [_("The owner must be a member of this workspace.")]}
        )


def _check_promotes(workspace, requirements) -> list:
    requirements = list(requirements)
    if any(r.workspace_id != workspace.pk for r in requirements):
        raise ValidationFailed(fields={"promotes": [_("Choose requirements of this workspace.")]})
    return requirements


def _check_lenses(ctx: WorkspaceAccess, before: dict, campaign: Campaign) -> None:
    """Operations score the operations lens, product the product lens, leads both."""
    for lens in ("operations", "product"):
        name = f"{lens}_score"
        if before.get(name) != getattr(campaign, name) and not may_score(ctx.role, lens):
            raise PermissionDenied(
                _("Your role may not score the %(lens)s lens.") % {"lens": PoolSide(lens).label}
            )


def _campaign_snapshot(campaign: Campaign) -> dict:
    snap = history.snapshot(campaign, [f for f in CAMPAIGN_FIELDS if f != "promotes"])
    snap["promotes"] = sorted(r.ref for r in campaign.promotes.all()) if campaign.pk else []
    return snap


@transaction.atomic
def campaign_create(
    *,
    ctx: WorkspaceAccess,
    title: str,
    channel: str,
    description: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    owner=None,
    expected_reach: int | None = None,
    expected_new_users: int | None = None,
    expected_revenue: Decimal | None = None,
    operations_score: float | None = None,
    product_score: float | None = None,
    promotes: Iterable = (),
) -> Campaign:
    campaign = Campaign(
        workspace=ctx.workspace,
        number=0,
        title=title.strip(),
        channel=channel,
        description=description,
        description_html=render_markdown(description),
        starts_on=starts_on,
        ends_on=ends_on,
        owner=owner,
        expected_reach=expected_reach,
        expected_new_users=expected_new_users,
        expected_revenue=expected_revenue,
        operations_score=operations_score,
        product_score=product_score,
        created_by=ctx.membership.user,
    )
    _check_owner(ctx.workspace, owner)
    _check_dates(campaign)
    _clean(campaign, exclude=["number", "workspace"])
    _check_lenses(ctx, {}, campaign)
    requirements = _check_promotes(ctx.workspace, promotes)
    campaign.number = _next_number(ctx.workspace)
    campaign.save()
    campaign.promotes.set(requirements)
    _record(ctx, campaign, ChangeRecord.Verb.CREATED, {"title": [None, campaign.title]})
    return campaign


def _check_dates(campaign: Campaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.starts_on > campaign.ends_on:
        raise ValidationFailed(fields={"ends_on": [_("The end must not be before the start.")]})


@transaction.atomic
def campaign_update(
    *, ctx: WorkspaceAccess, campaign: Campaign, expected_version: int | None, **fields
) -> Campaign:
    """Change any of CAMPAIGN_FIELDS; a stale ``expected_version`` is refused with the
    current row (PreconditionFailed.current)."""
    _refuse_unknown(fields, CAMPAIGN_FIELDS)
    before = _campaign_snapshot(campaign)
    promotes = fields.pop("promotes", None)
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if name == "title" else value)
    campaign.description_html = render_markdown(campaign.description)
    _check_owner(ctx.workspace, campaign.owner)
    _check_dates(campaign)
    _clean(campaign, exclude=["workspace"])
    _check_lenses(ctx, before, campaign)
    campaign.save_versioned(
        expected_version=expected_version, update_fields=[*fields, "description_html"]
    )
    if promotes is not None:
        campaign.promotes.set(_check_promotes(ctx.workspace, promotes))
    changes = history.diff(before, _campaign_snapshot(campaign))
    if changes:
        _record(ctx, campaign, ChangeRecord.Verb.UPDATED, changes)
    return campaign


def campaign_targets(status: str) -> tuple[str, ...]:
    return CAMPAIGN_TRANSITIONS.get(status, ())


@transaction.atomic
def campaign_move(
    *, ctx: WorkspaceAccess, campaign: Campaign, status: str, expected_version: int | None = None
) -> Campaign:
    if status not in CampaignStatus.values:
        raise ValidationFailed(fields={"status": [_("Unknown status.")]})
    refuse_stale(campaign, expected_version)
    if status == campaign.status:
        return campaign
    if status not in campaign_targets(campaign.status):
        allowed = ", ".join(str(CampaignStatus(s).label) for s in campaign_targets(campaign.status))
        raise ValidationFailed(
            _("%(ref)s cannot move from “%(current)s” to “%(target)s”. Allowed next: %(allowed)s.")
            % {
                "ref": campaign.ref,
                "current": campaign.get_status_display(),
                "target": CampaignStatus(status).label,
                "allowed": allowed or _("none"),
            },
            fields={"status": [_("This status change is not allowed.")]},
        )
    before = campaign.status
    with watch_overcommitment(
        workspace=ctx.workspace, actor=ctx.membership.user, campaigns=[campaign]
    ):
        campaign.status = status
        campaign.save_versioned(expected_version=expected_version, update_fields=["status"])
    _record(ctx, campaign, ChangeRecord.Verb.STATUS, {"status": [before, status]})
    return campaign


@transaction.atomic
def campaign_delete(*, ctx: WorkspaceAccess, campaign: Campaign, expected_version: int | None):
    if campaign.status not in DELETABLE:
        raise Conflict(
            _("Only draft, proposed or cancelled campaigns can be deleted; cancel it first."),
            fields={"status": [_("Cancel the campaign first.")]},
        )
    campaign.save_versioned(expected_version=expected_version, update_fields=[])
    _record(ctx, campaign, ChangeRecord.Verb.DELETED, {"title": [campaign.title, None]})
    campaign.delete()


# Demands -----------------------------------------------------------------------------------


def _owner_of(demand: Demand):
    return demand.requirement if demand.requirement_id else demand.campaign


def _demand_key(pool: ResourcePool, start: date) -> str:
    return f"{pool.name} · {cap.label(start, pool.granularity)}"


@transaction.atomic
def demand_add(
    *,
    ctx: WorkspaceAccess,
    pool: ResourcePool,
    start: date,
    amount,
    requirement=None,
    campaign=None,
    note: str = "",
) -> Demand:
    """What ``requirement`` or ``campaign`` (exactly one) needs from ``pool`` in the period
    starting ``start``."""
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    item = requirement if requirement is not None else campaign
    if (requirement is None) == (campaign is None) or item.workspace_id != ctx.workspace.pk:
        raise ValidationFailed(_("A demand belongs to one requirement or one campaign."))
    if pool.workspace_id != ctx.workspace.pk or pool.archived:
        raise ValidationFailed(fields={"pool": [_("Choose an active pool of this workspace.")]})
    _check_start(pool, start)
    value = _check_amount(amount, positive=True)
    demand = Demand(
        pool=pool, start=start, amount=value, requirement=requirement, campaign=campaign,
        note=note.strip()[:200],
    )  # fmt: skip
    with watch_overcommitment(
        workspace=ctx.workspace, actor=ctx.membership.user, slots=[(pool.pk, start)]
    ):
        try:
            with transaction.atomic():
                demand.save()
        except IntegrityError:
            raise Conflict(
                _("There is already a demand on this pool in this period; change that one."),
                fields={"period": [_("Already demanded in this period.")]},
            ) from None
    _record(
        ctx, item, ChangeRecord.Verb.UPDATED,
        {_demand_key(pool, start): [None, _num(value)]},
    )  # fmt: skip
    return demand


@transaction.atomic
def demand_update(
    *,
    ctx: WorkspaceAccess,
    demand: Demand,
    expected_version: int | None,
    amount=None,
    start: date | None = None,
    note: str | None = None,
) -> Demand:
    """Change the amount, the period or the note of a demand (the pool stays)."""
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    pool, old_start, old_amount = demand.pool, demand.start, demand.amount
    if start is not None:
        _check_start(pool, start)
        demand.start = start
    if amount is not None:
        demand.amount = _check_amount(amount, positive=True)
    if note is not None:
        demand.note = note.strip()[:200]
    slots = {(pool.pk, old_start), (pool.pk, demand.start)}
    with watch_overcommitment(workspace=ctx.workspace, actor=ctx.membership.user, slots=slots):
        try:
            with transaction.atomic():
                demand.save_versioned(
                    expected_version=expected_version, update_fields=["start", "amount", "note"]
                )
        except IntegrityError:
            raise Conflict(
                _("There is already a demand on this pool in this period; change that one."),
                fields={"period": [_("Already demanded in this period.")]},
            ) from None
    changes = {}
    if demand.start != old_start:
        changes[_demand_key(pool, old_start)] = [_num(old_amount), None]
        changes[_demand_key(pool, demand.start)] = [None, _num(demand.amount)]
    elif demand.amount != old_amount:
        changes[_demand_key(pool, old_start)] = [
            _num(old_amount), _num(demand.amount)
        ]  # fmt: skip
    if changes:
        _record(ctx, _owner_of(demand), ChangeRecord.Verb.UPDATED, changes)
    return demand


@transaction.atomic
def demand_remove(*, ctx: WorkspaceAccess, demand: Demand, expected_version: int | None) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    demand.save_versioned(expected_version=expected_version, update_fields=[])
    key = _demand_key(demand.pool, demand.start)
    _record(ctx, _owner_of(demand), ChangeRecord.Verb.UPDATED, {key: [_num(demand.amount), None]})
    demand.delete()
