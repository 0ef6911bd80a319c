"""Background work of interop: a big import file is checked and written, and a big backup
restored, on the worker."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(*, job_id: int, commit: bool) -> int:
    """Run one queued import job; the job row records the outcome (and a crash, which is
    re-raised). A job that is no longer queued (gone, or failed by the reaper) is skipped."""
    from truce.interop.models import ImportJob
    from truce.interop.services import import_run

    job = ImportJob.objects.select_related("workspace", "created_by").filter(pk=job_id).first()
    if job is None:
        return 0
    return import_run(job=job, commit=commit, queued_only=True).created_count


@task()
def run_restore(*, job_id: int) -> int:
    """Run one queued restore job; returns the restored workspace's id (0 if none). A job that
    is no longer queued (gone, or failed by the reaper) is skipped."""
    from truce.interop.models import RestoreJob
    from truce.interop.restores import restore_run

    job = RestoreJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return 0
    return restore_run(job=job).restored_id or 0
