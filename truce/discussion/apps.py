from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "truce.discussion"
    label = "discussion"
    verbose_name = _("Comments, mentions, activity and notifications")

    def ready(self) -> None:
        from truce.core import events
        from truce.discussion import registry

        registry.register_builtin()
        events.subscribe("*", "truce.discussion.notify.on_event")
