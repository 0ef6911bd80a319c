"""Enqueue due webhook deliveries: the safety net behind run_after (a lost task, a worker
that crashed mid-send, or a task backend that cannot defer). Safe to run from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from truce.integrations.sender import deliver_due


class Command(BaseCommand):
    help = "Enqueue webhook deliveries that are due (retries, throttled and abandoned sends)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, limit: int, **options):
        count = deliver_due(limit=limit)
        self.stdout.write(f"{count} due deliveries enqueued")
