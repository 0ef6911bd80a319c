from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConflictsConfig(AppConfig):
    name = "truce.conflicts"
    label = "conflicts"
    verbose_name = _("Conflicts and collaboration health")

    def ready(self) -> None:
        from django.urls import reverse

        from truce.conflicts import agenda_source
        from truce.conflicts.models import Conflict
        from truce.conflicts.tasks import TRIGGERS
        from truce.core import events
        from truce.core.errors import NotFound
        from truce.discussion import registry

        for prefix in TRIGGERS:
            events.subscribe(prefix, "truce.conflicts.tasks.on_event")
        agenda_source.register()

        def resolve(ctx, number):
            found = Conflict.objects.filter(workspace=ctx.workspace, number=number).first()
            if found is None:
                raise NotFound()
            return found

        registry.register(
            Conflict,
            resolve=resolve,
            url=lambda c: reverse("conflicts:detail", args=[c.workspace.slug, c.number]),
            title=lambda c: f"{c.ref} {c.title}",
            key=lambda c: c.number,
            owners=lambda c: [c.created_by_id] if c.created_by_id else [],
        )
