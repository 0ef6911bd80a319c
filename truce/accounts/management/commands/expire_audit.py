"""``manage.py expire_audit [--days N]``: delete audit events older than TRUCE_AUDIT_KEEP_DAYS
(or N) days now (the worker does it every hour when the setting is above 0)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from truce.accounts.services import audit_expire


class Command(BaseCommand):
    help = "Delete audit events older than TRUCE_AUDIT_KEEP_DAYS days (or --days, at least 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days")

    def handle(self, *args, days: int | None = None, **options):
        if days is not None and days < 30:
            raise CommandError("--days must be at least 30")
        deleted = audit_expire(days=days)
        self.stdout.write(f"Deleted {deleted} audit events")
