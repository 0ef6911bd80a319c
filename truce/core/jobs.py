"""Background jobs that survive a killed process: who runs a job, its heartbeat, and the reaper.

Import jobs and scenario runs are rows a page polls. The process that works on one (the task
worker, or a web process for a small import) *claims* it: one conditional UPDATE records its
identity (host, boot, process namespace, pid and the process's start time) and a heartbeat,
which a thread refreshes every ``BEAT_EVERY`` seconds while the work goes on. If that process
is killed (kill -9, the out-of-memory killer, a lost machine), nothing moves the row on: it
would say "running" forever. The reaper finds such rows and marks them failed with
``interrupted`` set; pages and the API then say so in the reader's language and offer to run
them again.

Interrupted work is not resumed. An import writes all its rows in one transaction, so an
interrupted import wrote nothing and can simply run again; a run is cheap to start again.

A claimed job is orphaned when
  * its process ran on this machine (same boot and process namespace) and is gone, or its
    heartbeat stopped ``FROZEN`` times ``stale_after`` ago although the process lives on (a
    copy restored from a backup, say), or
  * otherwise (another machine, no /proc) its heartbeat is older than ``stale_after``.
A queued job is orphaned when, ``stale_after`` after it was queued, no task for it is waiting
on the database queue or being picked up: its enqueueing never happened (the web process died
between commit and enqueue), or a worker died between taking the task and claiming the job.
With another task backend the queue cannot be seen, and queued jobs are left alone.

Every reaper write is conditional on the claim it observed (status, claimant, heartbeat), so a
reaper racing a live process, a retry or another reaper changes nothing. The working process
writes its outcome conditionally on its own claim too, so a job marked failed never gets a
result (or imported rows) afterwards.

The reaper runs when the worker starts and every ``REAP_EVERY`` seconds in it (``manage.py
worker``), and whenever a page or the API shows a job that is not finished.

Uploaded files a job keeps so that it can run again (an import checked but never committed, an
interrupted restore nobody retried) would otherwise stay on disk for ever: ``purge_files``, run
by the worker at start-up and every ``PURGE_EVERY`` seconds, removes them once their job has
not changed for ``TRUCE_UPLOAD_KEEP_DAYS``, and files in a job's upload folder that no row names
(a process killed between storing an upload and recording it).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("truce.jobs")

BEAT_EVERY = 5.0  # seconds between heartbeats of a running job
FROZEN = 10  # a live local process's claim without a heartbeat for this many stale periods
REAP_EVERY = 30.0  # seconds between reaper passes in the worker
PURGE_EVERY = 3600.0  # seconds between passes over kept uploads in the worker


def stale_after() -> timedelta:
    """How old a heartbeat may be before its job counts as abandoned (when the process cannot
    be checked directly): ``TRUCE_JOB_STALE_SECONDS``, default 60, at least three beats."""
    seconds = getattr(settings, "TRUCE_JOB_STALE_SECONDS", 60)
    return timedelta(seconds=max(seconds, 3 * BEAT_EVERY))


@dataclass(frozen=True)
class JobStates:
    """The status values of a job model the reaper needs to know."""

    queued: str  # waiting for a worker (a task on the queue)
    running: tuple[str, ...]  # claimed by a process
    failed: str


class Tracked(models.Model):
    """Fields of a job row that a killed process can leave behind. A subclass says which of
    its statuses mean what (``job_states``) and which task runs it (``job_task``: the task's
    dotted path and the keyword argument that names the row)."""

    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    interrupted = models.BooleanField(_("interrupted"), default=False, editable=False)

    job_states: JobStates
    job_task: tuple[str, str]

    class Meta:
        abstract = True


# Who is running: an identity that says whether the process is still alive -------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


@cache
def _machine() -> tuple[str, str]:
    """(boot id, process namespace): two processes compare pids only when both match."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return _read("/proc/sys/kernel/random/boot_id"), namespace


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks after boot), or None if it is gone or a zombie."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if len(fields) < 20 or fields[0] in ("Z", "X", "x"):
        return None
    return fields[19]


def identity_of(pid: int) -> str:
    """``host|boot|namespace|pid|start time`` of a process of this machine (the process
    namespace and start time are empty without /proc)."""
    boot, namespace = _machine()
    start = (_start_time(pid) or "") if boot and namespace else ""
    return "|".join([socket.gethostname()[:60], boot, namespace, str(pid), start])


def me() -> str:
    """This process's identity (see ``identity_of``)."""
    return identity_of(os.getpid())


def process_alive(identity: str) -> bool | None:
    """Whether the process ``identity`` names still runs; None when this process cannot tell
    (another machine or namespace, another boot, no /proc)."""
    parts = identity.split("|")
    if len(parts) != 5:
        return None
    _host, boot, namespace, pid, start = parts
    if not (boot and namespace and start and pid.isdigit()) or (boot, namespace) != _machine():
        return None
    return _start_time(int(pid)) == start


# The working side: claim, heartbeat ---------------------------------------------------------


def claim_fields(now: datetime | None = None) -> dict:
    """Field values that claim a job for this process (use in a conditional UPDATE)."""
    return {"claimed_by": me(), "heartbeat_at": now or timezone.now(), "interrupted": False}


def release_fields() -> dict:
    """Field values of a job that is queued again or reconfigured: nobody holds it."""
    return {"claimed_by": "", "heartbeat_at": None, "interrupted": False}


class _Streak:
    """Logs the first failed beat of a streak and the recovery, not every beat: on SQLite the
    job's own long transaction (an import commit, a big restore) holds the write lock, so
    every beat fails until that transaction ends."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.missed = 0

    def failed(self, exc: Exception) -> None:
        if not self.missed:
            logger.warning(
                "heartbeat of %s failed: %s (not logged again until a beat gets through)",
                self.label, exc,
            )  # fmt: skip
        self.missed += 1

    def passed(self) -> None:
        if self.missed:
            logger.info("heartbeat of %s resumed after %d missed beats", self.label, self.missed)
        self.missed = 0


def _beat(model, pk, claimant: str, stop: threading.Event, every: float, fields) -> None:
    streak = _Streak(f"{model.__name__} {pk}")
    try:
        while not stop.wait(every):
            try:
                model._base_manager.filter(pk=pk, claimed_by=claimant).update(
                    heartbeat_at=timezone.now(), **(fields() if fields else {})
                )
                streak.passed()
            except DatabaseError as exc:  # a busy database: the next beat may get through
                streak.failed(exc)
    finally:
        connections.close_all()  # this thread's own connections


@contextmanager
def heartbeat(
    model, pk, claimant: str, every: float = BEAT_EVERY, fields: Callable[[], dict] | None = None
) -> Iterator[None]:
    """Refresh the job's heartbeat from a thread (with its own database connection) while the
    block runs, so long steps without progress reports (a solve, an import's transaction) do
    not look abandoned. ``fields()``, when given, adds values written with each beat (the
    progress of work whose own transaction cannot show it; on SQLite that transaction holds
    the write lock, so such beats wait and are skipped until it ends).

    Inside a transaction (a seed or a test running a job inline) there is nothing to beat:
    the job's row is not committed, so nobody else sees it, and on SQLite the other connection
    would only wait for this one's write lock and fail."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat,
        args=(model, pk, claimant, stop, every, fields),
        name=f"heartbeat-{model._meta.label_lower}-{pk}",
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every)


# The reaper -----------------------------------------------------------------------------------


def job_models() -> list[type[Tracked]]:
    return [m for m in apps.get_models() if issubclass(m, Tracked)]


def _db_queue_visible() -> bool:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    try:
        return isinstance(task_backends["default"], DatabaseBackend)
    except Exception:  # a misconfigured backend: nothing to see
        return False


def _waiting_task(job: Tracked, cutoff: datetime) -> bool:
    """Is a task for this job on the database queue, ready or just picked up?"""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    path, key = job.job_task
    tasks = DBTaskResult.objects.filter(task_path=path, **{f"args_kwargs__kwargs__{key}": job.pk})
    ready = Q(status=TaskResultStatus.READY)
    picked_up = Q(status=TaskResultStatus.RUNNING, started_at__gte=cutoff)
    return tasks.filter(ready | picked_up).exists()


def is_orphaned(job: Tracked, *, now: datetime | None = None, stale: timedelta | None = None):
    """Whether a job that is not finished has lost the process that should finish it."""
    states = job.job_states
    now = now or timezone.now()
    cutoff = now - (stale if stale is not None else stale_after())
    if job.status in states.running:
        last = job.heartbeat_at or job.updated_at
        alive = process_alive(job.claimed_by)
        if alive is None:
            return last < cutoff
        return not alive or last < now - FROZEN * (now - cutoff)
    if job.status == states.queued:
        if job.updated_at >= cutoff or not _db_queue_visible():
            return False
        return not _waiting_task(job, cutoff)
    return False


def _mark_failed(job: Tracked, now: datetime) -> bool:
    """Fail the job if it is still exactly as observed; True if this call changed it."""
    model = type(job)
    observed = model._base_manager.filter(pk=job.pk, status=job.status, claimed_by=job.claimed_by)
    if job.heartbeat_at is None:
        observed = observed.filter(heartbeat_at__isnull=True)
    else:
        observed = observed.filter(heartbeat_at=job.heartbeat_at)
    values = {
        "status": job.job_states.failed,
        "interrupted": True,
        "finished_at": now,
        "updated_at": now,
    }
    if not observed.update(**values):
        return False
    logger.warning(
        "%s %s was interrupted (%s by %s); marked failed",
        model.__name__, job.pk, job.status, job.claimed_by or "nobody",
    )  # fmt: skip
    for name, value in values.items():
        setattr(job, name, value)
    return True


def reap(candidates: Iterable[Tracked], *, now=None, stale: timedelta | None = None) -> int:
    """Mark the orphaned ones among ``candidates`` failed (the objects are updated too);
    returns how many. Database errors (a busy SQLite file) are logged and leave the jobs for
    the next pass."""
    now = now or timezone.now()
    changed = 0
    for job in candidates:
        try:
            if is_orphaned(job, now=now, stale=stale) and _mark_failed(job, now):
                changed += 1
        except DatabaseError as exc:
            logger.warning("reaper skipped %s %s: %s", type(job).__name__, job.pk, exc)
    return changed


def reap_all(*, now=None, stale: timedelta | None = None) -> int:
    """One pass over every job model: returns how many jobs were marked interrupted."""
    changed = 0
    for model in job_models():
        states = model.job_states
        pending = model._base_manager.filter(status__in=[states.queued, *states.running])
        changed += reap(list(pending), now=now, stale=stale)
    return changed


def reap_shown(shown: Iterable[Tracked]) -> None:
    """Before a page or the API shows jobs: reap those that are not finished."""
    reap([j for j in shown if j.status in (j.job_states.queued, *j.job_states.running)])


def reap_pass() -> int:
    """``reap_all`` for the worker: a database error is logged, not raised."""
    try:
        return reap_all()
    except DatabaseError as exc:
        logger.warning("reaper pass failed: %s", exc)
        return 0


def keep_files_for() -> timedelta:
    """How long a job's kept upload stays after the job's last change (at least a day)."""
    return timedelta(days=max(getattr(settings, "TRUCE_UPLOAD_KEEP_DAYS", 7), 1))


def _file_fields(model: type[Tracked]) -> list[models.FileField]:
    return [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]


def purge_files(*, now: datetime | None = None, keep: timedelta | None = None) -> int:
    """Remove the uploads nothing will read any more; returns how many files went.

    A job's file goes when the job is neither waiting nor running and has not changed for
    ``keep``: the row forgets it first, conditionally on the job being exactly as observed (a
    job started meanwhile keeps it), then the file is deleted. A file in a job model's upload
    folder that no row names goes once it is older than ``keep``."""
    now = now or timezone.now()
    cutoff = now - (keep if keep is not None else keep_files_for())
    removed = 0
    for model in job_models():
        states = model.job_states
        for field in _file_fields(model):
            kept = (
                model._base_manager.exclude(status__in=[states.queued, *states.running])
                .exclude(**{field.name: ""})
                .filter(updated_at__lt=cutoff)
                .values_list("pk", "status", "updated_at", field.name)
            )
            for pk, status, updated_at, name in kept:
                observed = model._base_manager.filter(
                    pk=pk, status=status, updated_at=updated_at, **{field.name: name}
                )
                if observed.update(**{field.name: ""}):
                    field.storage.delete(name)
                    removed += 1
            removed += _purge_unnamed(model, field, cutoff)
    return removed


def _purge_unnamed(model: type[Tracked], field: models.FileField, cutoff: datetime) -> int:
    folder = str(field.upload_to).strip("/")
    storage = field.storage
    if not isinstance(field.upload_to, str) or not folder or not storage.exists(folder):
        return 0
    _, files = storage.listdir(folder)
    named = set(model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    removed = 0
    for file in files:
        name = f"{folder}/{file}"
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed += 1
    return removed


def purge_pass() -> int:
    """``purge_files`` for the worker, then the expiry of old audit events
    (``TRUCE_AUDIT_KEEP_DAYS``): an error is logged, not raised."""
    from truce.accounts.services import audit_expire

    try:
        removed = purge_files()
    except (DatabaseError, OSError) as exc:
        logger.warning("purge of kept uploads failed: %s", exc)
        removed = 0
    if removed:
        logger.info("Removed %s kept uploads older than %s days", removed, keep_files_for().days)
    try:
        audit_expire()
    except DatabaseError as exc:
        logger.warning("expiry of old audit events failed: %s", exc)
    return removed


class Reaper(threading.Thread):
    """The worker's periodic reaper: a pass every ``every`` seconds until stopped, and a pass
    over kept uploads every ``purge_every`` seconds."""

    def __init__(self, every: float = REAP_EVERY, purge_every: float = PURGE_EVERY):
        super().__init__(name="truce-reaper", daemon=True)
        self.every = every
        self.purge_every = purge_every
        self.stopped = threading.Event()

    def run(self) -> None:
        purged = time.monotonic()
        try:
            while not self.stopped.wait(self.every):
                reap_pass()
                if time.monotonic() - purged >= self.purge_every:
                    purge_pass()
                    purged = time.monotonic()
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.stopped.set()
