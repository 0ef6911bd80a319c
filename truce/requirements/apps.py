from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequirementsConfig(AppConfig):
    name = "truce.requirements"
    label = "requirements"
    verbose_name = _("Requirements pool")
