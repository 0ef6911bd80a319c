"""Restoring a backup from the web or the API as a job: the upload is checked and stored, then
restored inside the request when it is small, or by the worker with progress when it is not.

The restore writes the new workspace and marks its job done in one transaction, conditional
on the job still being this process's (truce.core.jobs): a process killed mid-restore leaves
no workspace, the reaper fails the job as interrupted, and it runs again from the stored file.
The CLI (`truce restore`) restores directly, with a progress bar.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from truce.core import faults, jobs
from truce.core.access import WorkspaceAccess
from truce.core.errors import Conflict, TruceError, ValidationFailed
from truce.interop import tabular, values
from truce.interop.access import require_admin
from truce.interop.archive import backup_rows, check_slug, inspect_backup, restore_workspace
from truce.interop.models import RestoreJob

State = RestoreJob.State

INLINE_ROWS = 5_000
"""A backup of at most this many rows is restored inside the request (a third of a second at
the 17,000 rows/s measured on SQLite); bigger ones go to the worker, whose page shows the
progress. The large seed's backup (941,378 rows) takes 55 s: past gunicorn's 30 s timeout,
which used to kill the request and with it the restore."""


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


def restore_upload(*, ctx: WorkspaceAccess, upload, slug: str, ip=None) -> RestoreJob:
    """Check an uploaded backup (size, zip, manifest) and the short name, store the file and
    create its job, queued; `restore_start` runs it."""
    require_admin(ctx)
    if upload is None:
        raise _file_error(_("Choose a file."))
    limit = settings.TRUCE_RESTORE_MAX_BYTES
    if upload.size > limit:
        raise _file_error(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    head = upload.read(4)
    upload.seek(0)
    if not (upload.name or "").lower().endswith(".zip") or head != tabular.XLSX_MAGIC:
        raise _file_error(_("This is not a Truce backup (a .zip file)."))
    check_slug(slug)
    manifest = inspect_backup(upload)
    upload.seek(0)
    name = default_storage.save(f"restores/{uuid.uuid4().hex}.zip", upload)
    return RestoreJob.objects.create(
        workspace=ctx.workspace, created_by=ctx.membership.user,
        filename=values.file_name(upload.name), file=name, size=upload.size, slug=slug,
        rows_total=backup_rows(manifest), ip=ip,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )  # fmt: skip


def restore_start(job: RestoreJob, *, refuse: bool = True) -> RestoreJob:
    """Run a queued job: now when it is small, on the worker otherwise. With ``refuse``, a
    backup refused at once removes the job and its file and the refusal is raised (the
    upload form shows it, as if nothing had been uploaded); a retry records it on the job."""
    if job.rows_total > INLINE_ROWS:
        from truce.interop.tasks import run_restore

        transaction.on_commit(lambda: run_restore.enqueue(job_id=job.pk))
        return job
    return restore_run(job=job, inline=refuse)


def restore_retry(*, ctx: WorkspaceAccess, job: RestoreJob) -> RestoreJob:
    """Queue a failed job again from its stored file (after an interruption or a crash)."""
    require_admin(ctx)
    if not job.can_retry:
        raise Conflict(
            _("This restore has not failed; there is nothing to run again.")
            if job.status != State.FAILED
            else _("The uploaded file is gone; upload it again.")
        )
    now = timezone.now()
    again = RestoreJob.objects.filter(pk=job.pk, status=State.FAILED).update(
        status=State.QUEUED, progress_done=0, message="", finished_at=None, updated_at=now,
        errors={}, **jobs.release_fields(),
    )  # fmt: skip
    if not again:
        raise Conflict(_("This restore is running; wait until it has finished."))
    job.refresh_from_db()
    return restore_start(job, refuse=False)


class LostClaim(Exception):
    """The job is no longer this process's (the reaper failed it)."""


def _own(job: RestoreJob, *fields: str) -> bool:
    """Save ``fields`` only while this process still holds the running job."""
    job.updated_at = timezone.now()
    mine = RestoreJob.objects.filter(
        pk=job.pk, claimed_by=job.claimed_by, status__in=RestoreJob.job_states.running
    )
    return bool(mine.update(**{f: getattr(job, f) for f in (*fields, "updated_at")}))


def _claim(job: RestoreJob) -> bool:
    now = timezone.now()
    values_ = {"status": State.RESTORING, "progress_done": 0, "message": "", "updated_at": now}
    values_ |= jobs.claim_fields(now)
    if not RestoreJob.objects.filter(pk=job.pk, status=State.QUEUED).update(**values_):
        return False
    for name, value in values_.items():
        setattr(job, name, value)
    return True


def restore_run(*, job: RestoreJob, inline: bool = False) -> RestoreJob:
    """Restore a queued job's backup (the worker, or the request for a small one). A job that
    is no longer queued (the reaper failed it, another process took it) is left alone. A
    refused backup (damaged, its short name taken meanwhile) fails the job with the reason;
    ``inline``, it removes the job and its file instead and raises the refusal."""
    if not _claim(job):
        job.refresh_from_db()
        return job
    done = [0]
    stored = job.file.name
    if not stored or not default_storage.exists(stored):  # removed as unused meanwhile
        job.status, job.finished_at, job.file = State.FAILED, timezone.now(), ""
        job.message = _("The uploaded file is gone; upload it again.")
        _own(job, "status", "finished_at", "message", "file")
        return job

    def finished(workspace) -> None:
        faults.pause("restore.write")
        job.status, job.restored, job.finished_at = State.DONE, workspace, timezone.now()
        job.progress_done, job.file = job.rows_total, ""  # a done job never shows a kept file
        if not _own(job, "status", "restored", "finished_at", "progress_done", "file"):
            raise LostClaim()  # rolls the workspace back

    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        jobs.heartbeat(
            RestoreJob, job.pk, job.claimed_by, fields=lambda: {"progress_done": done[0]}
        ),
    ):
        try:
            restore_workspace(
                job.file.path, slug=job.slug, actor=job.created_by, ip=job.ip,
                advance=lambda n: done.__setitem__(0, n), before_commit=finished,
            )  # fmt: skip
        except LostClaim:
            job.refresh_from_db()  # the reaper failed it: the file stays for a retry
            return job
        except TruceError as exc:
            if inline:
                _discard(job)
                raise
            job.status, job.finished_at = State.FAILED, timezone.now()
            job.message, job.errors, job.file = _refusal(exc), exc.fields or {}, ""
            if _own(job, "status", "finished_at", "message", "errors", "file"):
                _delete_stored(stored)
            return job
        except Exception as exc:
            job.status, job.finished_at = State.FAILED, timezone.now()
            job.message = getattr(exc, "message", "") or _("The restore stopped unexpectedly.")
            _own(job, "status", "finished_at", "message")
            raise
    _delete_stored(stored)  # after the commit that recorded the job done without its file
    return job


def _refusal(exc: TruceError) -> str:
    """One sentence for the job page: the first field message, or the error's message."""
    for messages in exc.fields.values():
        if messages:
            return messages[0]
    return exc.message


def _drop_file(job: RestoreJob) -> None:
    if job.file:
        job.file.delete(save=False)
        RestoreJob.objects.filter(pk=job.pk).update(file="")


def _delete_stored(name: str) -> None:
    if name:
        default_storage.delete(name)


def _discard(job: RestoreJob) -> None:
    _drop_file(job)
    RestoreJob.objects.filter(pk=job.pk).delete()
