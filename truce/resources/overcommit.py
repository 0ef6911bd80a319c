"""Over-commitment announcements: ``watch_overcommitment`` runs a change and emits
"pool.overcommitted" for every watched slot the change pushed over its capacity.

Services wrap demand, capacity and campaign-status changes in it; the planning app wraps plan
publication (requirements moving to "scheduled") in it: ``truce.resources.services`` re-exports
it under the same name.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from truce.accounts.models import Workspace
from truce.core import events
from truce.domain import capacity as cap
from truce.resources import selectors
from truce.resources.models import Demand, ResourcePool


def num(value) -> str | None:
    """An amount as people write it: 12, 12.5 (not 12.00)."""
    if value is None:
        return None
    value = Decimal(value)
    return (
        str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value.normalize())
    )


@contextmanager
def watch_overcommitment(
    *, workspace: Workspace, actor=None, slots: Iterable = (), requirements=(), campaigns=()
):
    """Run a change; then emit "pool.overcommitted" for every watched slot that became
    over-committed. Watched: ``slots`` ((pool id, start) pairs) and every slot the given
    requirements' and campaigns' demands draw on.

    Event data: pool_id, pool, period (label), start (ISO), capacity, scheduled (strings),
    and items: the scheduled requirements ("#12") and campaigns ("C3") drawing on the slot.
    """
    watched = set(slots)
    owners = [("requirement", r) for r in requirements] + [("campaign", c) for c in campaigns]
    for kind, item in owners:
        watched |= set(Demand.objects.filter(**{kind: item}).values_list("pool_id", "start"))
    before = selectors.loads_for_slots(workspace, watched)
    yield
    after = selectors.loads_for_slots(workspace, watched)
    for slot in cap.newly_overcommitted(before, after):
        _announce(workspace, actor, slot, after[slot])


def _announce(workspace, actor, slot, load: cap.Load) -> None:
    pool = ResourcePool.objects.get(pk=slot[0])
    label = cap.label(slot[1], pool.granularity)
    contributors = (
        Demand.objects.filter(pool=pool, start=slot[1])
        .filter(selectors.SCHEDULED_Q)
        .select_related("requirement", "campaign")
    )
    items = [d.requirement.ref if d.requirement_id else d.campaign.ref for d in contributors]
    capacity = load.capacity or Decimal(0)
    events.emit(
        workspace=workspace,
        kind="pool.overcommitted",
        actor=actor,
        subject=pool,
        title=_("%(pool)s is over-committed in %(period)s: %(scheduled)s of %(capacity)s")
        % {
            "pool": pool.name,
            "period": label,
            "scheduled": num(load.scheduled),
            "capacity": num(capacity),
        },
        url=reverse("resources:pool", args=[workspace.slug, pool.pk]),
        data={
            "pool_id": pool.pk,
            "pool": pool.name,
            "period": label,
            "start": slot[1].isoformat(),
            "capacity": num(capacity),
            "scheduled": num(load.scheduled),
            "items": sorted(items),
        },
    )
