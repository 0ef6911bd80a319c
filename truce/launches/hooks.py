"""What launches add to other modules: an agenda source for sync meetings (launches in the
next 14 days whose checklist is not done) and launch milestones in personal iCal feeds."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

AGENDA_DAYS = 14


def unready_launches(workspace, day):
    from truce.launches.selectors import unready_upcoming
    from truce.meetings import agenda

    found = []
    for launch in unready_upcoming(workspace, day, AGENDA_DAYS)[: agenda.LIMIT]:
        text = _("L%(n)s %(name)s on %(date)s: readiness %(pct)s%%, %(blocking)s blocking open") % {
            "n": launch.number,
            "name": launch.name,
            "date": launch.target_date.isoformat(),
            "pct": launch.ready_pct,
            "blocking": launch.ready.open_blocking,
        }
        found.append(
            agenda.Entry(
                key=f"launch:{launch.pk}",
                text=text,
                link=reverse("launches:detail", args=[workspace.slug, launch.number]),
                side="",
                severity="critical" if launch.ready.open_blocking else "warning",
            )
        )
    return found


def register_agenda_source() -> None:
    from truce.meetings import agenda

    agenda.register(
        agenda.Source("launches", gettext_lazy("Launches in the next 14 days not ready"),
                      unready_launches, order=40)
    )  # fmt: skip


def milestones(user, start, end):
    """The launch milestones of the user's workspaces within [start, end]."""
    from truce.domain import ical
    from truce.launches.models import Milestone
    from truce.meetings import calendar

    rows = (
        Milestone.objects.filter(launch__workspace__memberships__user=user, due__range=(start, end))
        .exclude(launch__status="cancelled")
        .select_related("launch__workspace")
        .order_by("due", "pk")[:500]
    )
    return [
        ical.Event(
            uid=f"launch-milestone-{m.pk}@{calendar.uid_host()}",
            summary=f"L{m.launch.number} {m.launch.name}: {m.label}",
            start=m.due,
            end=m.due + timedelta(days=1),
            url=calendar.absolute(
                reverse("launches:detail", args=[m.launch.workspace.slug, m.launch.number])
            ),
            categories=("Truce", "launch"),
        )
        for m in rows
    ]


def register_calendar() -> None:
    from truce.meetings import calendar

    calendar.register("launch_milestones", milestones)
