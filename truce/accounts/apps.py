from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "truce.accounts"
    label = "accounts"
    verbose_name = _("Accounts and workspaces")

    def ready(self) -> None:
        from truce.accounts import signals

        signals.connect()
