"""``manage.py purge_uploads [--days N]``: remove kept uploads nothing will read any more (the
worker does this every hour; this runs it once, for a host without a worker or a tighter
limit)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from truce.core.jobs import keep_files_for, purge_files


class Command(BaseCommand):
    help = (
        "Remove uploaded files kept for an import or restore that has not changed for "
        "TRUCE_UPLOAD_KEEP_DAYS days (or --days), and stored uploads no job names."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days")

    def handle(self, *args, days: int | None = None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        keep = timedelta(days=days) if days is not None else keep_files_for()
        removed = purge_files(keep=keep)
        self.stdout.write(f"Removed {removed} kept uploads older than {keep.days} days")
