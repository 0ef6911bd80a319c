"""Kept uploads: a job that may still read its file keeps it for TRUCE_UPLOAD_KEEP_DAYS after its
last change, then the worker removes it (and stored files no job names); the pages and the API
then say to upload it again."""

from __future__ import annotations

import io
import logging
import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from truce.core import jobs
from truce.core.errors import Conflict
from truce.interop import restores, services
from truce.interop.archive import backup_workspace
from truce.interop.models import ImportJob, RestoreJob
from truce.interop.tests.conftest import csv_upload

DEAD = "elsewhere|boot|ns|1|1"


def _age(model, job, days: float) -> None:
    model.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(days=days))
    job.refresh_from_db()


def _checked_import(ctx) -> ImportJob:
    job = services.import_upload(ctx=ctx, kind="requirements", upload=csv_upload("标题\n甲\n"))
    return services.import_start(ctx=ctx, job=job, commit=False)


def _interrupted_restore(ctx, monkeypatch) -> RestoreJob:
    out = io.BytesIO()
    backup_workspace(workspace=ctx.workspace, target=out)
    monkeypatch.setattr(restores, "INLINE_ROWS", 0)
    job = restores.restore_upload(
        ctx=ctx, upload=SimpleUploadedFile("spark.zip", out.getvalue()), slug="later"
    )
    RestoreJob.objects.filter(pk=job.pk).update(
        status=RestoreJob.State.FAILED, interrupted=True, claimed_by=DEAD
    )
    job.refresh_from_db()
    return job


def test_old_kept_uploads_go_and_recent_ones_stay(ctx, monkeypatch):
    old_import, new_import = _checked_import(ctx), _checked_import(ctx)
    restore = _interrupted_restore(ctx, monkeypatch)
    names = {j.pk: j.file.name for j in (old_import, new_import)} | {"r": restore.file.name}
    _age(ImportJob, old_import, 8)
    _age(RestoreJob, restore, 8)
    _age(ImportJob, new_import, 6)
    assert jobs.purge_files() == 2
    for job in (old_import, new_import, restore):
        job.refresh_from_db()
    kept = (bool(old_import.file), bool(new_import.file), bool(restore.file))
    assert kept == (False, True, False)
    assert not default_storage.exists(names[old_import.pk])
    assert not default_storage.exists(names["r"])
    assert default_storage.exists(names[new_import.pk])
    assert old_import.status == ImportJob.State.CHECKED  # the record stays, with its results
    assert jobs.purge_files() == 0


def test_a_waiting_or_running_job_keeps_its_file_however_old(ctx, monkeypatch):
    job = _checked_import(ctx)
    for status in (ImportJob.State.QUEUED, ImportJob.State.CHECKING, ImportJob.State.IMPORTING):
        ImportJob.objects.filter(pk=job.pk).update(status=status)
        _age(ImportJob, job, 30)
        assert jobs.purge_files() == 0 and default_storage.exists(job.file.name)


def test_a_job_changed_while_the_purge_looked_keeps_its_file(ctx, monkeypatch):
    """The row forgets the file only if the job is still exactly as the purge saw it."""
    job = _checked_import(ctx)
    _age(ImportJob, job, 8)
    real = jobs._file_fields

    def started_meanwhile(model):
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.State.QUEUED, updated_at=timezone.now()
        )
        return real(model)

    monkeypatch.setattr(jobs, "_file_fields", started_meanwhile)
    jobs.purge_files()
    job.refresh_from_db()
    assert job.file and default_storage.exists(job.file.name)


def test_stored_files_no_job_names_go_once_old(ctx):
    job = _checked_import(ctx)
    stray_old = default_storage.save("imports/stray-old.csv", io.BytesIO(b"x"))
    stray_new = default_storage.save("restores/stray-new.zip", io.BytesIO(b"x"))
    week_ago = time.time() - 8 * 86400
    for name in (stray_old, stray_new, job.file.name):
        if name != stray_new:
            os.utime(default_storage.path(name), (week_ago, week_ago))
    assert jobs.purge_files() == 1  # the job's own file is named by its (recent) row
    assert not default_storage.exists(stray_old)
    assert default_storage.exists(stray_new) and default_storage.exists(job.file.name)


def test_the_pages_and_the_api_say_to_upload_again(ctx, admin, monkeypatch):
    job = _checked_import(ctx)
    restore = _interrupted_restore(ctx, monkeypatch)
    _age(ImportJob, job, 8)
    _age(RestoreJob, restore, 8)
    assert jobs.purge_files() == 2
    with translation.override("zh-hans"):
        restore.refresh_from_db()
        job.refresh_from_db()
        assert "重新上传" in restore.display_message and "重新上传" in job.display_message
    client = client_for(admin)
    page = client.get(reverse("interop:import_job", args=["spark", job.pk])).content.decode()
    assert "left unused for 7 days: upload it again" in page
    assert 'value="import" disabled id="import-button"' in page and 'value="check" disabled' in page
    assert "All 1 row can be imported" not in page
    stale = ImportJob.objects.get(pk=job.pk)
    stale.file.name = "imports/read-before-the-purge.csv"  # a page read before the purge ran
    job.refresh_from_db()
    with pytest.raises(Conflict, match="gone"):
        services.import_start(ctx=ctx, job=job, commit=True)
    stale = services.import_start(ctx=ctx, job=stale, commit=True)
    assert stale.status == "failed"
    assert stale.message == "The uploaded file is gone; upload it again."
    page = client.get(reverse("interop:restore_job", args=["spark", restore.pk])).content.decode()
    assert "has since been removed: upload it again" in page and "retry-button" not in page
    r = client.get(f"/api/v1/workspaces/spark/restores/{restore.pk}")
    assert r.status_code == 200 and "upload it again" in r.json()["message"]
    r = client.post(f"/api/v1/workspaces/spark/restores/{restore.pk}/retry")
    assert r.status_code == 409


def test_the_command_removes_them_now(ctx):
    job = _checked_import(ctx)
    out = io.StringIO()
    call_command("purge_uploads", "--days", "0", stdout=out)
    job.refresh_from_db()
    assert "Removed 1 kept uploads older than 0 days" in out.getvalue() and not job.file


def test_a_failed_purge_is_logged_and_the_worker_goes_on(monkeypatch, caplog):
    def broken(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(jobs, "purge_files", broken)
    with caplog.at_level(logging.WARNING, logger="truce.jobs"):
        assert jobs.purge_pass() == 0
    assert "purge of kept uploads failed: database is locked" in caplog.text


def test_the_reaper_thread_purges_every_purge_period(monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "reap_pass", lambda: calls.append("reap"))
    monkeypatch.setattr(jobs, "purge_pass", lambda: calls.append("purge"))
    reaper = jobs.Reaper(every=0.01, purge_every=0.0)
    reaper.start()
    deadline = time.monotonic() + 5
    while calls.count("purge") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    reaper.stop()
    reaper.join(5)
    assert calls.count("purge") >= 2 and calls.count("reap") >= calls.count("purge")


def test_a_restore_whose_file_went_meanwhile_fails_saying_so(ctx, monkeypatch):
    job = _interrupted_restore(ctx, monkeypatch)
    RestoreJob.objects.filter(pk=job.pk).update(status=RestoreJob.State.QUEUED, claimed_by="")
    job.refresh_from_db()
    default_storage.delete(job.file.name)  # the purge ran between reading the job and the run
    job = restores.restore_run(job=job)
    assert (job.status, job.message, bool(job.file)) == (
        "failed", "The uploaded file is gone; upload it again.", False
    )  # fmt: skip
    assert not RestoreJob.objects.filter(pk=job.pk, file__gt="").exists()
