from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaunchesConfig(AppConfig):
    name = "truce.launches"
    label = "launches"
    verbose_name = _("Launches")

    def ready(self) -> None:
        from django.urls import reverse

        from truce.core.errors import NotFound
        from truce.discussion import registry
        from truce.launches import hooks
        from truce.launches.models import Launch

        hooks.register_agenda_source()
        hooks.register_calendar()

        def resolve(ctx, number):
            found = Launch.objects.filter(workspace=ctx.workspace, number=number).first()
            if found is None:
                raise NotFound()
            return found

        registry.register(
            Launch,
            resolve=resolve,
            url=lambda x: reverse("launches:detail", args=[x.workspace.slug, x.number]),
            title=lambda x: f"L{x.number} {x.name}",
            key=lambda x: x.number,
            owners=lambda x: [x.created_by_id] if x.created_by_id else [],
        )
