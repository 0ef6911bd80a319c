from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "truce.resources"
    label = "resources"
    verbose_name = _("Resource pools, campaigns and demands")

    def ready(self) -> None:
        from django.urls import reverse

        from truce.core.errors import NotFound
        from truce.discussion import registry
        from truce.resources.models import Campaign

        def resolve(ctx, number):
            found = Campaign.objects.filter(workspace=ctx.workspace, number=number).first()
            if found is None:
                raise NotFound()
            return found

        registry.register(
            Campaign,
            resolve=resolve,
            url=lambda c: reverse("resources:campaign", args=[c.workspace.slug, c.number]),
            title=lambda c: f"C{c.number} {c.title}",
            key=lambda c: c.number,
            owners=lambda c: [c.owner_id] if c.owner_id else [],
        )
