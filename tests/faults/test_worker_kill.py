"""kill -9 of the task worker during an import (checking rows, and inside the commit) and during
a scenario run: nothing is half-written, the job is reported failed (interrupted), and running
it again succeeds completely."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from truce.accounts.models import Workspace
from truce.core import jobs
from truce.core.access import access_workspace
from truce.core.models import ChangeRecord, DomainEvent
from truce.interop import services as imports
from truce.interop.models import ExternalKey, ImportJob
from truce.planning import services as planning
from truce.planning.models import PeriodPlan, Run, RunStatus
from truce.requirements.models import Requirement

from .conftest import wait_until

pytestmark = pytest.mark.faults
ROWS = imports.INLINE_ROWS + 500  # the worker runs it, with progress every 1000 rows


def _upload(ctx, rows: int = ROWS) -> ImportJob:
    lines = ["Summary,Issue key,Labels"]
    lines += [f"需求 {i},SHOP-{i},growth" for i in range(1, rows + 1)]
    upload = SimpleUploadedFile("jira.csv", ("\n".join(lines) + "\n").encode())
    return imports.import_upload(ctx=ctx, kind="requirements", upload=upload, preset="jira")


def _nothing_imported(job: ImportJob) -> None:
    assert Requirement.objects.filter(workspace=job.workspace).count() == 0
    assert ExternalKey.objects.count() == 0
    assert ChangeRecord.objects.filter(subject_type="requirement").count() == 0
    assert not DomainEvent.objects.filter(kind="import.completed").exists()


def _api(user, path: str, method: str = "get"):
    client = Client()
    client.force_login(user)
    answer = getattr(client, method)(f"/api/v1/workspaces/spark{path}")
    return answer.status_code, answer.json()


@pytest.mark.parametrize("point", ["import.check", "import.write"])
def test_worker_killed_during_an_import(stack, team, point):
    ctx = access_workspace(team["admin"], "spark")
    job = _upload(ctx)
    worker = stack.start_worker(pause=point)
    imports.import_start(ctx=ctx, job=job, commit=True)  # queued for the worker

    assert stack.paused_at(point) == worker.pid
    job.refresh_from_db()
    if point == "import.check":  # the page shows it started: rows checked so far
        assert (job.status, job.progress_done) == (ImportJob.State.CHECKING, 1000)
    else:  # every row is inserted, inside the transaction that has not committed
        assert job.status == ImportJob.State.IMPORTING
    spare = stack.start_worker(pause=point)  # the pause is one-shot: this one passes the point
    stack.ready(spare)  # its start-up reaper pass left the paused (live) worker's job alone
    job.refresh_from_db()
    assert job.running
    stack.kill(worker.pid)

    job.refresh_from_db()
    assert job.running, "nobody has noticed yet"
    _nothing_imported(job)
    assert jobs.reap_all() == 1
    assert jobs.reap_all() == 0  # idempotent
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.can_retry) == (ImportJob.State.FAILED, True, True)
    status, body = _api(team["admin"], f"/imports/{job.pk}")
    assert status == 200 and body["status"] == "failed" and body["interrupted"]
    assert "nothing was imported" in body["message"]
    _nothing_imported(job)

    status, body = _api(team["admin"], f"/imports/{job.pk}/retry", "post")
    assert status == 202 and body["status"] == "queued", body
    wait_until(
        lambda: ImportJob.objects.filter(pk=job.pk, status="done").exists(),
        "the retried import to finish",
        logs=stack.logs,
    )
    job.refresh_from_db()
    assert (job.created_count, job.interrupted, job.message) == (ROWS, False, "")
    assert Requirement.objects.filter(workspace=job.workspace).count() == ROWS
    assert ExternalKey.objects.count() == ROWS
    assert sorted(Requirement.objects.values_list("number", flat=True))[-1] == ROWS


def test_worker_killed_during_a_scenario_run(stack, team):
    from truce.goals import services as goals
    from truce.planning.tests.factories import MONTH, planning_world

    ctx = access_workspace(team["alice"], "spark")
    planning_world(ctx)
    period = goals.period_create(
        ctx=ctx, name="2026 Q3", start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    scenario = planning.scenario_create(
        ctx=ctx, name="本季度", period=period, statuses=["accepted"], horizon=[MONTH]
    )
    worker = stack.start_worker(pause="run.solve")
    run = planning.run_start(ctx=ctx, scenario=scenario)

    assert stack.paused_at("run.solve") == worker.pid
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.started_at is not None
    stack.kill(worker.pid)

    # A worker that starts reaps what the killed one left behind.
    stack.start_worker()
    wait_until(
        lambda: Run.objects.filter(pk=run.pk, status=RunStatus.FAILED).exists(),
        "the new worker to mark the run failed",
        logs=stack.logs,
    )
    run.refresh_from_db()
    assert run.interrupted and run.result == {} and run.finished_at is not None
    assert not PeriodPlan.objects.exists()
    status, body = _api(team["alice"], f"/planning/runs/{run.pk}")
    assert (status, body["status"], body["interrupted"], body["result"]) == (
        200, "failed", True, None
    )  # fmt: skip
    assert body["error"] == "The worker stopped while this run was in progress; run it again."

    status, body = _api(team["alice"], f"/planning/scenarios/{scenario.pk}/runs", "post")
    assert status == 202
    wait_until(
        lambda: Run.objects.filter(pk=body["id"], status=RunStatus.DONE).exists(),
        "the new run to finish",
        logs=stack.logs,
    )
    again = Run.objects.get(pk=body["id"])
    assert again.number == 2 and again.result["feasible"] and not again.interrupted
    assert again.previous_id is None  # the interrupted run is no earlier result to compare


def test_worker_killed_during_a_restore(stack, team, monkeypatch):
    from truce.interop import restores
    from truce.interop.archive import backup_workspace
    from truce.interop.models import RestoreJob
    from truce.requirements.services import requirement_create

    ctx = access_workspace(team["admin"], "spark")
    for title in ("灰度发布", "拉新活动", "会员积分"):
        requirement_create(ctx=ctx, title=title)
    archive = io.BytesIO()
    backup_workspace(workspace=ctx.workspace, target=archive)
    monkeypatch.setattr(restores, "INLINE_ROWS", 0)  # even this small backup goes to the worker
    upload = SimpleUploadedFile("spark.zip", archive.getvalue())
    job = restores.restore_upload(ctx=ctx, upload=upload, slug="spark-copy")
    worker = stack.start_worker(pause="restore.write")
    job = restores.restore_start(job)

    assert stack.paused_at("restore.write") == worker.pid
    job.refresh_from_db()
    assert job.status == RestoreJob.State.RESTORING and f"|{worker.pid}|" in job.claimed_by
    stack.kill(worker.pid)  # every row is written, inside the transaction that has not committed

    assert not Workspace.objects.filter(slug="spark-copy").exists()
    assert jobs.reap_all() == 1
    job.refresh_from_db()
    assert (job.status, job.interrupted, job.can_retry) == ("failed", True, True)
    status, body = _api(team["admin"], f"/restores/{job.pk}")
    assert status == 200 and body["interrupted"] and "nothing was restored" in body["message"]
    assert not Workspace.objects.filter(slug="spark-copy").exists()

    stack.start_worker()
    status, body = _api(team["admin"], f"/restores/{job.pk}/retry", "post")
    assert status == 202 and body["status"] == "queued", body
    wait_until(
        lambda: RestoreJob.objects.filter(pk=job.pk, status="done").exists(),
        "the retried restore to finish",
        logs=stack.logs,
    )
    job.refresh_from_db()
    copy = Workspace.objects.get(slug="spark-copy")
    assert (job.restored, job.interrupted, job.message, bool(job.file)) == (copy, False, "", False)
    assert sorted(Requirement.objects.filter(workspace=copy).values_list("title", flat=True)) == [
        "会员积分", "拉新活动", "灰度发布"
    ]  # fmt: skip
