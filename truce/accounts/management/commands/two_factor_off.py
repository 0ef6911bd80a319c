"""``manage.py two_factor_off USERNAME``: turn two-step sign-in off for someone who lost both
their phone and their recovery codes (an administrator of the installation, after checking
who is asking). Audited and mailed to the account's owner like turning it off themselves."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from truce.accounts import twofactor
from truce.accounts.models import User


class Command(BaseCommand):
    help = "Turn two-step sign-in off for USERNAME (lost phone and recovery codes)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        if not user.two_factor:
            raise CommandError(f"two-step sign-in is already off for {username!r}")
        twofactor.reset(user, by_admin=True)
        self.stdout.write(f"Two-step sign-in is off for {username}: the password alone signs in")
