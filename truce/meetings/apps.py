from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "truce.meetings"
    label = "meetings"
    verbose_name = _("Sync meetings, decisions and action items")

    def ready(self) -> None:
        from truce.meetings import agenda

        agenda.register_builtin()
        _register_with_discussion()


def _register_with_discussion() -> None:
    """Decisions and meetings can be discussed; our events read as sentences in the activity
    stream. Skipped when the discussion app is not there."""
    try:
        from truce.discussion import describe, registry
    except ImportError:
        return
    from django.urls import reverse

    from truce.core.errors import NotFound
    from truce.meetings.models import Decision, Meeting

    def decision(ctx, number):
        found = Decision.objects.filter(workspace=ctx.workspace, number=number).first()
        if found is None:
            raise NotFound()
        return found

    def meeting(ctx, pk):
        found = Meeting.objects.filter(workspace=ctx.workspace, pk=pk).first()
        if found is None:
            raise NotFound()
        return found

    registry.register(
        Decision,
        resolve=decision,
        key=lambda d: d.number,
        url=lambda d: reverse("meetings:decision", args=[d.workspace.slug, d.number]),
        title=lambda d: f"{d.ref} {d.question}",
        owners=lambda d: [d.decided_by_id] if d.decided_by_id else [],
    )
    registry.register(
        Meeting,
        resolve=meeting,
        url=lambda m: reverse("meetings:meeting", args=[m.workspace.slug, m.pk]),
        title=lambda m: f"{m.series.title} · {m.date:%Y-%m-%d}",
    )
    describe.sentence("action.assigned", _("%(actor)s assigned the action item %(title)s"))
    describe.sentence("action.due", _("The action item %(title)s is due today"))
    describe.sentence("meeting.finished", _("%(actor)s finished the meeting %(title)s"))
