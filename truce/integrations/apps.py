from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "truce.integrations"
    label = "integrations"
    verbose_name = _("Chat robots and outgoing webhooks")

    def ready(self) -> None:
        from truce.core import events

        events.subscribe("*", "truce.integrations.dispatch.on_event")
