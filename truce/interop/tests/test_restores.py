"""Restore jobs: a small backup is restored inside the request, a bigger one by the worker with
progress; a refused backup says why; an interrupted restore left nothing and runs again."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import client_for
from truce.accounts.models import AuditEvent, Workspace
from truce.core import jobs
from truce.core.errors import Conflict, ValidationFailed
from truce.interop import restores
from truce.interop.archive import backup_workspace
from truce.interop.models import RestoreJob
from truce.interop.tasks import run_restore
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

DEAD = "elsewhere|boot|ns|1|1"  # a claim by a process nobody can check: its heartbeat decides
State = RestoreJob.State


@pytest.fixture
def archive(ctx) -> bytes:
    for title in ("灰度发布", "拉新活动"):
        requirement_create(ctx=ctx, title=title)
    out = io.BytesIO()
    backup_workspace(workspace=ctx.workspace, target=out)
    return out.getvalue()


def _zip(content: bytes, name: str = "spark.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _titles(slug: str) -> list[str]:
    return sorted(Requirement.objects.filter(workspace__slug=slug).values_list("title", flat=True))


def test_a_small_backup_is_restored_inside_the_request(ctx, archive, admin):
    job = restores.restore_start(restores.restore_upload(ctx=ctx, upload=_zip(archive), slug="b"))
    assert (job.status, job.restored.slug, job.progress_done) == (State.DONE, "b", job.rows_total)
    assert job.rows_total > 2 and job.finished_at is not None
    assert not job.file  # the stored copy is removed once restored
    assert _titles("b") == ["拉新活动", "灰度发布"]
    assert AuditEvent.objects.filter(workspace__slug="b", action="workspace.restored").exists()


def test_the_stored_copy_is_removed_after_the_commit_that_records_the_job_done(
    ctx, archive, monkeypatch
):
    """Whoever sees a job done never sees its file still there (CI saw that race once: the
    job was marked done in the restore's transaction, the file cleared after it)."""
    seen = []
    delete = restores._delete_stored

    def spy(name):
        row = RestoreJob.objects.values("status", "file").get()
        seen.append((row["status"], row["file"], bool(name)))
        delete(name)

    monkeypatch.setattr(restores, "_delete_stored", spy)
    restores.restore_start(restores.restore_upload(ctx=ctx, upload=_zip(archive), slug="b"))
    assert seen == [(State.DONE, "", True)]


def test_a_big_backup_goes_to_the_worker_and_the_page_polls(
    ctx, archive, admin, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(restores, "INLINE_ROWS", 1)
    client = client_for(admin)
    with django_capture_on_commit_callbacks() as queued:
        r = client.post(
            reverse("interop:restore", args=["spark"]), {"slug": "big", "file": _zip(archive)}
        )
    job = RestoreJob.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("interop:restore_job", args=["spark", job.pk])
    assert (job.status, len(queued)) == (State.QUEUED, 1)
    page = client.get(r["Location"]).content.decode()
    assert 'data-status="queued"' in page and 'hx-trigger="every 1s"' in page
    queued[0]()  # the task backend runs it (immediate in tests)
    job.refresh_from_db()
    assert (job.status, job.restored.slug) == (State.DONE, "big")
    fragment = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.strip().startswith('<section id="restore-status"')
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert reverse("accounts:overview", args=["big"]) in fragment
    assert _titles("big") == ["拉新活动", "灰度发布"]
    home = client.get(reverse("interop:home", args=["spark"])).content.decode()
    assert 'id="recent-restores"' in home and "spark.zip" in home


def test_the_worker_says_why_it_refused_a_backup(ctx, archive, monkeypatch):
    monkeypatch.setattr(restores, "INLINE_ROWS", 1)
    job = restores.restore_upload(ctx=ctx, upload=_zip(archive), slug="taken")
    Workspace.objects.create(name="Taken meanwhile", slug="taken")
    run_restore.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.can_retry) == (State.FAILED, False, False)
    assert job.message == "This short name is taken."
    assert job.errors == {"slug": ["This short name is taken."]}
    assert not job.file and Requirement.objects.filter(workspace__slug="taken").count() == 0
    client = client_for(ctx.membership.user)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    page = client.get(reverse("interop:restore_job", args=["spark", job.pk])).content.decode()
    assert "未恢复任何内容" in page and 'id="retry-button"' not in page


def test_an_interrupted_restore_left_nothing_and_runs_again(ctx, archive, admin, monkeypatch):
    monkeypatch.setattr(restores, "INLINE_ROWS", 1)
    job = restores.restore_upload(ctx=ctx, upload=_zip(archive), slug="again")
    long_ago = job.created_at.replace(year=2020)
    RestoreJob.objects.filter(pk=job.pk).update(
        status=State.RESTORING, claimed_by=DEAD, heartbeat_at=long_ago, updated_at=long_ago
    )
    assert jobs.reap_all() == 1
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.can_retry) == (State.FAILED, True, True)
    assert not Workspace.objects.filter(slug="again").exists()
    client = client_for(admin)
    page = client.get(reverse("interop:restore_job", args=["spark", job.pk])).content.decode()
    assert "nothing was restored. Run it again." in page and 'id="retry-button"' in page
    monkeypatch.setattr(restores, "INLINE_ROWS", 10_000)  # small: the retry restores it now
    r = client.post(reverse("interop:restore_retry", args=["spark", job.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:overview", args=["again"])
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.restored.slug) == (State.DONE, False, "again")
    with pytest.raises(Conflict):
        restores.restore_retry(ctx=ctx, job=job)


def test_a_job_the_reaper_failed_meanwhile_restores_nothing(ctx, archive, monkeypatch):
    """The restore marks its job done inside its own transaction, conditional on still holding
    it: a job failed by the reaper in the meantime rolls the whole workspace back."""
    monkeypatch.setattr(restores, "INLINE_ROWS", 1)
    job = restores.restore_upload(ctx=ctx, upload=_zip(archive), slug="lost")

    def reaper_strikes(point: str) -> None:
        # (the reaper's own connection would commit this; here it shares the restore's
        # transaction and is rolled back with it, which is all this test needs)
        RestoreJob.objects.filter(pk=job.pk).update(status=State.FAILED, interrupted=True)

    monkeypatch.setattr(restores.faults, "pause", reaper_strikes)
    job = restores.restore_run(job=job)
    assert job.restored is None and job.status != State.DONE
    assert not Workspace.objects.filter(slug="lost").exists()
    assert Requirement.objects.filter(workspace__slug="lost").count() == 0


@pytest.mark.parametrize(
    ("name", "content", "slug", "field", "words"),
    [
        ("b.zip", b"PK\x03\x04 not really", "x", "file", "This is not a Truce backup."),
        ("b.txt", None, "x", "file", "This is not a Truce backup (a .zip file)."),
        ("b.zip", None, "Not a slug!", "slug", "Enter a short name of letters, digits"),
        ("b.zip", None, "spark", "slug", "This short name is taken."),
    ],
)
def test_refusals_at_upload_leave_no_job_and_no_file(
    ctx, archive, name, content, slug, field, words, settings, tmp_path
):
    upload = _zip(archive if content is None else content, name)
    with pytest.raises((ValidationFailed, Conflict)) as caught:
        restores.restore_upload(ctx=ctx, upload=upload, slug=slug)
    assert words in caught.value.fields[field][0]
    assert not RestoreJob.objects.exists()
    assert not list((tmp_path / "media").glob("restores/*"))


def test_api_restore_small_big_detail_and_retry(ctx, archive, admin, monkeypatch):
    client = Client()
    client.force_login(admin)
    base = "/api/v1/workspaces/spark/restores"
    r = client.post(base, {"slug": "api-copy", "file": _zip(archive)})
    body = r.json()
    assert r.status_code == 201, body
    assert (body["status"], body["restored"], body["can_retry"]) == ("done", "api-copy", False)
    assert client.get(f"{base}/{body['id']}").json()["progress_done"] == body["rows_total"]
    r = client.post(f"{base}/{body['id']}/retry")
    assert r.status_code == 409
    r = client.post(base, {"slug": "api-copy", "file": _zip(archive)})
    assert r.status_code == 409
    assert r.json()["error"]["fields"]["slug"] == ["This short name is taken."]
    r = client.post(base, {"slug": "x", "file": _zip(b"plain text", "notes.txt")})
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    r = client.post(base, {"slug": "x"})
    assert r.status_code == 400 and r.json()["error"]["fields"]["file"] == ["Choose a file."]
    monkeypatch.setattr(restores, "INLINE_ROWS", 1)
    r = client.post(base, {"slug": "queued-copy", "file": _zip(archive)})
    assert r.status_code == 202 and r.json()["status"] == "queued"  # the worker's now


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_carries_progress(workspace):
    """Progress the restore's own transaction cannot show is written with each heartbeat."""
    job = RestoreJob.objects.create(
        workspace=workspace, filename="b.zip", slug="x", status=State.RESTORING, rows_total=10
    )
    done = [0]
    with jobs.heartbeat(
        RestoreJob, job.pk, "", every=0.02, fields=lambda: {"progress_done": done[0]}
    ):
        done[0] = 7
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.progress_done == 7:
                break
            time.sleep(0.02)
    assert job.progress_done == 7 and job.percent == 70
    beating = [t for t in threading.enumerate() if t.name.startswith("heartbeat-interop")]
    assert beating == []  # the thread ends with the block


def test_the_restore_reports_every_row_it_writes(archive):
    from truce.interop.archive import backup_rows, inspect_backup, restore_workspace

    heard: list[int] = []
    restore_workspace(io.BytesIO(archive), slug="counted", advance=heard.append)
    total = backup_rows(inspect_backup(io.BytesIO(archive)))
    assert total > 2 and heard == sorted(heard) and heard[-1] == total
