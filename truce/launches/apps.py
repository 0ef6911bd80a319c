from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaunchesConfig(AppConfig):
    name = "truce.launches"
    label = "launches"
    verbose_name = _("Launches")
