"""Open conflicts on sync-meeting agendas: escalated ones first, as critical."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def open_conflicts(workspace, day):
    from truce.conflicts.models import Conflict, Status
    from truce.meetings import agenda

    found = (
        Conflict.objects.filter(workspace=workspace)
        .exclude(status=Status.DECIDED)
        .order_by("-escalated_at", "number")[: agenda.LIMIT]
    )
    return [
        agenda.Entry(
            key=f"conflict:{c.pk}",
            text=f"{c.ref} {c.title}",
            link=reverse("conflicts:detail", args=[workspace.slug, c.number]),
            side="",
            severity="critical" if c.status == Status.ESCALATED else "warning",
        )
        for c in sorted(found, key=lambda c: (c.status != Status.ESCALATED, c.number))
    ]


def register() -> None:
    from truce.meetings import agenda

    agenda.register(agenda.Source("conflicts", _("Open conflicts"), open_conflicts, order=10))
