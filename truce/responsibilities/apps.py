from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "truce.responsibilities"
    label = "responsibilities"
    verbose_name = _("Responsibilities (RACI)")
