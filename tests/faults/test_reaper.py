"""The reaper of interrupted jobs (truce.core.jobs): what counts as abandoned, what is left
alone, conditional writes on both sides, and how pages and the API show an interrupted job
and run it again."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for
from truce.core import jobs
from truce.core.access import access_workspace
from truce.core.errors import Conflict
from truce.interop import services as imports
from truce.interop.models import ImportJob
from truce.interop.tests.conftest import csv_upload
from truce.planning import services as planning
from truce.planning.models import Run, RunStatus, Scenario
from truce.requirements.models import Requirement

pytestmark = [pytest.mark.faults, pytest.mark.django_db]
State = ImportJob.State
ELSEWHERE = "other-host|another-boot|pid:[1]|4242|123456"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def dead() -> str:
    """The identity of a process of this machine that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        identity = jobs.identity_of(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    assert jobs.process_alive(identity) is False
    return identity


@pytest.fixture
def scenario(workspace) -> Scenario:
    return Scenario.objects.create(workspace=workspace, name="Q3")


def _run(scenario, number=1, **fields) -> Run:
    return Run.objects.create(
        workspace=scenario.workspace, scenario=scenario, number=number, **fields
    )


def _claimed(scenario, claimant: str, age: timedelta = timedelta(0), number=1) -> Run:
    beat = timezone.now() - age
    return _run(scenario, number, status=RunStatus.RUNNING, claimed_by=claimant, heartbeat_at=beat)


def _job(workspace, status=State.CHECKING, **fields) -> ImportJob:
    return ImportJob.objects.create(
        workspace=workspace, kind="requirements", filename="a.csv", file_format="csv",
        status=status, **fields,
    )  # fmt: skip


def test_a_live_process_keeps_its_job_even_with_a_late_heartbeat(scenario):
    run = _claimed(scenario, jobs.me(), age=timedelta(minutes=5))  # a busy database, say
    assert jobs.process_alive(run.claimed_by) is True
    assert jobs.reap_all() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and not run.interrupted
    # but a claim whose heartbeat stopped long ago is not this process's work any more
    # (a copy restored from a backup while the process runs on)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert jobs.reap_all() == 1


def test_a_gone_process_loses_its_job_at_once(scenario, workspace, dead):
    run = _claimed(scenario, dead)  # heartbeat just now: the process check decides
    job = _job(workspace, State.IMPORTING, claimed_by=dead, heartbeat_at=timezone.now())
    assert jobs.reap_all() == 2
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.status, run.interrupted, run.result) == (RunStatus.FAILED, True, {})
    assert run.finished_at is not None
    assert (job.status, job.interrupted, job.committed) == (State.FAILED, True, False)


def test_a_reused_pid_is_not_the_same_process(scenario):
    host, boot, namespace, pid, start = jobs.me().split("|")
    impostor = "|".join([host, boot, namespace, pid, str(int(start) - 1)])
    assert jobs.process_alive(impostor) is False
    _claimed(scenario, impostor)
    assert jobs.reap_all() == 1


def test_another_machine_is_judged_by_its_heartbeat(scenario):
    fresh = _claimed(scenario, ELSEWHERE, age=timedelta(seconds=10), number=1)
    stale = _claimed(scenario, ELSEWHERE, age=timedelta(minutes=5), number=2)
    assert jobs.process_alive(ELSEWHERE) is None
    assert jobs.reap_all() == 1
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert fresh.status == RunStatus.RUNNING
    assert stale.status == RunStatus.FAILED and stale.interrupted
    # the threshold is a parameter (TRUCE_JOB_STALE_SECONDS by default)
    assert jobs.reap_all(stale=timedelta(seconds=5)) == 1


def test_reaping_is_idempotent_and_leaves_healthy_and_finished_jobs_alone(
    scenario, workspace, dead
):
    healthy = _claimed(scenario, jobs.me(), number=1)
    done = _run(scenario, 2, status=RunStatus.DONE, claimed_by=dead)
    failed = _run(scenario, 3, status=RunStatus.FAILED, error="solver exploded", claimed_by=dead)
    orphan = _claimed(scenario, dead, number=4)
    untouched = [_job(workspace, s, claimed_by=dead) for s in (State.UPLOADED, State.CHECKED)]
    untouched += [_job(workspace, State.DONE, claimed_by=dead, committed=True)]
    assert jobs.reap_all() == 1
    orphan.refresh_from_db()
    first = orphan.finished_at
    assert jobs.reap_all() == 0 and jobs.reap([orphan]) == 0
    orphan.refresh_from_db()
    assert orphan.finished_at == first
    for run, status in ((healthy, "running"), (done, "done"), (failed, "failed")):
        run.refresh_from_db()
        assert (run.status, run.interrupted) == (status, False)
    assert failed.display_error == "solver exploded"
    for job in untouched:
        before = job.status
        job.refresh_from_db()
        assert (job.status, job.interrupted) == (before, False)


def test_queued_jobs_are_judged_by_the_database_queue(scenario, settings):
    from django_tasks_db.models import DBTaskResult

    from truce.planning.tasks import execute_run

    old = timezone.now() - timedelta(minutes=5)
    waiting, _lost, taken, dropped, recent = (
        _run(scenario, n, status=RunStatus.QUEUED) for n in range(1, 6)
    )
    Run.objects.exclude(pk=recent.pk).update(updated_at=old)
    # Another task backend: its queue cannot be seen, so queued runs are left alone.
    assert jobs.reap_all() == 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for run in (waiting, taken, dropped):
        execute_run.enqueue(run_id=run.pk)

    def task(run):
        return DBTaskResult.objects.filter(args_kwargs__kwargs__run_id=run.pk)

    task(taken).update(status="RUNNING", started_at=timezone.now())
    task(dropped).update(status="RUNNING", started_at=old)  # its worker died before claiming
    assert jobs.reap_all() == 2
    states = dict(Run.objects.values_list("number", "status"))
    assert states == {1: "queued", 2: "failed", 3: "queued", 4: "failed", 5: "queued"}


def test_the_reaper_writes_only_what_it_saw(scenario, dead):
    seen = _claimed(scenario, dead)
    # Meanwhile the run is claimed afresh (say, by a retry): the stale view must not win.
    Run.objects.filter(pk=seen.pk).update(claimed_by=jobs.me(), heartbeat_at=timezone.now())
    assert jobs.is_orphaned(seen)
    assert jobs.reap([seen]) == 0
    seen.refresh_from_db()
    assert seen.status == RunStatus.RUNNING and not seen.interrupted


@pytest.fixture
def mapped(admin, workspace):
    ctx = access_workspace(admin, "spark")
    job = imports.import_upload(ctx=ctx, kind="requirements", upload=csv_upload("title\na\nb\n"))
    imports.import_configure(ctx=ctx, job=job, mapping={"0": "title"})
    return ctx, job


def test_an_import_failed_meanwhile_writes_nothing(mapped, monkeypatch):
    """The reaper failed the job while its rows were checked: the process does not go on."""
    ctx, job = mapped
    check = imports._check_rows

    def checked_then_reaped(job, *args, **kwargs):
        found = check(job, *args, **kwargs)
        ImportJob.objects.filter(pk=job.pk).update(status=State.FAILED, interrupted=True)
        return found

    monkeypatch.setattr(imports, "_check_rows", checked_then_reaped)
    job = imports.import_start(ctx=ctx, job=job, commit=True)
    assert (job.status, job.interrupted, job.created_count) == (State.FAILED, True, 0)
    assert not Requirement.objects.exists()


def test_a_commit_that_lost_its_claim_rolls_its_rows_back(mapped, monkeypatch):
    """All rows are inserted, then the job turns out to be someone else's (the reaper, then
    a retry, took it): the transaction is rolled back, so not one row stays."""
    ctx, job = mapped

    def taken(point):
        if point == "import.write":
            assert Requirement.objects.count() == 2  # inserted, not committed
            ImportJob.objects.filter(pk=job.pk).update(claimed_by=ELSEWHERE)

    monkeypatch.setattr(imports.faults, "pause", taken)
    job = imports.import_start(ctx=ctx, job=job, commit=True)
    assert not job.committed and job.created_count == 0
    assert not Requirement.objects.exists()


def test_a_run_failed_meanwhile_gets_no_result(scenario, monkeypatch):
    from truce.planning import engine

    run = _run(scenario, status=RunStatus.QUEUED, inputs={"items": []})

    def interrupted(*args, **kwargs):
        Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, interrupted=True)
        return {"feasible": True, "selected": []}, {"solve": 0.1}

    monkeypatch.setattr(engine, "run_all", interrupted)
    run = planning.run_execute(run.pk)
    assert (run.status, run.interrupted, run.result) == (RunStatus.FAILED, True, {})
    assert planning.run_execute(run.pk) is None  # nor is it taken again


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_worker_reaps_at_start_up(scenario, dead, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = _claimed(scenario, dead)
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.interrupted


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_refreshed_from_a_thread(workspace):
    job = _job(workspace, claimed_by=jobs.me(), heartbeat_at=timezone.now() - timedelta(hours=1))
    before = job.heartbeat_at
    with jobs.heartbeat(ImportJob, job.pk, job.claimed_by, every=0.05):
        deadline = time.monotonic() + 10
        while ImportJob.objects.get(pk=job.pk).heartbeat_at == before:
            assert time.monotonic() < deadline, "no heartbeat was written"
            time.sleep(0.05)
    job.refresh_from_db()
    assert job.heartbeat_at > before


@pytest.mark.django_db(transaction=True)
def test_no_heartbeat_thread_inside_a_transaction(workspace):
    """A job run inline in a transaction (the large seed) has an uncommitted row nobody else
    sees; a beat from another connection would only wait for this one's lock (SQLite)."""
    from django.db import transaction

    threads = threading.active_count()
    with transaction.atomic():
        job = _job(workspace, claimed_by=jobs.me(), heartbeat_at=timezone.now())
        with jobs.heartbeat(ImportJob, job.pk, job.claimed_by, every=0.01):
            assert threading.active_count() == threads
            time.sleep(0.05)
    with jobs.heartbeat(ImportJob, job.pk, job.claimed_by, every=0.01):
        assert threading.active_count() == threads + 1


# Pages and API ------------------------------------------------------------------------------


@pytest.fixture
def interrupted_import(admin, workspace, dead):
    ctx = access_workspace(admin, "spark")
    job = imports.import_upload(ctx=ctx, kind="requirements", upload=csv_upload("title\na\nb\n"))
    imports.import_configure(ctx=ctx, job=job, mapping={"0": "title"})
    ImportJob.objects.filter(pk=job.pk).update(
        status=State.IMPORTING, commit_requested=True, claimed_by=dead,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_import_page_shows_an_interrupted_import_and_runs_it_again(
    interrupted_import, admin, language
):
    admin.language = language
    admin.save(update_fields=["language"])
    client = client_for(admin)
    page = client.get(reverse("interop:import_job", args=["spark", interrupted_import.pk]))
    html = page.content.decode()
    with translation.override(language):
        interrupted_import.refresh_from_db()  # the page view reaped it
        assert str(State.FAILED.label) in html
        assert interrupted_import.display_message in html
    assert 'data-status="failed"' in html and 'id="retry-button"' in html
    answer = client.post(reverse("interop:import_retry", args=["spark", interrupted_import.pk]))
    assert answer.status_code == 302
    interrupted_import.refresh_from_db()
    assert (interrupted_import.status, interrupted_import.created_count) == (State.DONE, 2)
    assert not interrupted_import.interrupted


def test_the_import_api_reports_and_retries_an_interrupted_import(interrupted_import, admin):
    client = client_for(admin)
    url = f"/api/v1/workspaces/spark/imports/{interrupted_import.pk}"
    body = client.get(url).json()
    assert (body["status"], body["interrupted"], body["can_retry"]) == ("failed", True, True)
    assert body["message"].startswith("The process running this import stopped")
    answer = client.post(url + "/retry")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["created_count"]) == ("done", 2)
    again = client.post(url + "/retry")
    assert again.status_code == 409 and again.json()["error"]["message"]


def test_only_an_import_without_row_errors_can_run_again(admin, workspace):
    ctx = access_workspace(admin, "spark")
    job = imports.import_upload(
        ctx=ctx, kind="requirements", upload=csv_upload("title,estimate\na,soon\n")
    )
    imports.import_configure(ctx=ctx, job=job, mapping={"0": "title", "1": "estimate_days"})
    job = imports.import_start(ctx=ctx, job=job, commit=True)
    assert job.status == State.FAILED and job.error_count == 1 and not job.can_retry
    with pytest.raises(Conflict, match="without row errors"):
        imports.import_retry(ctx=ctx, job=job)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_run_page_and_api_show_an_interrupted_run(scenario, alice, victor, dead, language):
    run = _claimed(scenario, dead)
    alice.language = language
    alice.save(update_fields=["language"])
    page = client_for(alice).get(reverse("planning:run", args=["spark", run.pk]))
    html = page.content.decode()
    run.refresh_from_db()
    with translation.override(language):
        assert str(RunStatus.FAILED.label) in html and run.display_error in html
    assert 'id="run-interrupted"' in html and 'id="run-again"' in html
    scenario_page = client_for(alice).get(reverse("planning:scenario", args=["spark", scenario.pk]))
    assert 'id="run-again"' in scenario_page.content.decode()
    as_viewer = client_for(victor).get(reverse("planning:run", args=["spark", run.pk]))
    assert 'id="run-again"' not in as_viewer.content.decode()  # viewers cannot start runs
    body = client_for(alice).get(f"/api/v1/workspaces/spark/planning/runs/{run.pk}").json()
    assert (body["status"], body["interrupted"], body["result"]) == ("failed", True, None)
    with translation.override(language):
        assert body["error"] == run.display_error
    listed = client_for(alice).get(
        f"/api/v1/workspaces/spark/planning/scenarios/{scenario.pk}/runs"
    )
    assert listed.json()[0]["interrupted"] is True


def test_a_streak_of_failed_beats_is_logged_once_and_its_end_too(caplog):
    """On SQLite every beat fails while the job's own transaction holds the write lock: one
    warning for the streak, one note when a beat gets through again, not one per beat."""
    from django.db import DatabaseError

    streak = jobs._Streak("RestoreJob 7")
    with caplog.at_level(logging.INFO, logger="truce.jobs"):
        streak.passed()
        for _ in range(3):
            streak.failed(DatabaseError("database is locked"))
        streak.passed()
        streak.passed()
        streak.failed(DatabaseError("database is locked"))
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "heartbeat of RestoreJob 7 failed: database is locked (not logged again "
         "until a beat gets through)"),
        ("INFO", "heartbeat of RestoreJob 7 resumed after 3 missed beats"),
        ("WARNING", "heartbeat of RestoreJob 7 failed: database is locked (not logged again "
         "until a beat gets through)"),
    ]  # fmt: skip
