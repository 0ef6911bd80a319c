"""``manage.py worker``: django-tasks-db's ``db_worker`` (same options), plus the reaper of
interrupted jobs (truce.core.jobs): one pass before the first task is taken, then one every
30 seconds in a thread; and a pass over kept uploads at start-up and every hour.
``truce worker`` runs this."""

from __future__ import annotations

import logging

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from truce.core.jobs import Reaper, purge_pass, reap_pass

logger = logging.getLogger("truce.jobs")


class Command(DBWorkerCommand):
    help = (
        "Run the database task worker; jobs whose process was killed are marked interrupted "
        "at start-up and every 30 seconds."
    )

    def handle(self, *args, **options):
        logger.info("Reaper: %s interrupted jobs marked failed at start-up", reap_pass())
        purge_pass()
        reaper = Reaper()
        reaper.start()
        try:
            return super().handle(*args, **options)
        finally:
            reaper.stop()
