"""kill -9 of the web process (a gunicorn worker) while it handles an import commit and while it
starts a scenario run: the request dies with it, nothing is half-written, the state stays
consistent, and the same request succeeds once gunicorn has replaced its worker."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from truce.accounts.services import token_create
from truce.core import jobs
from truce.core.access import access_workspace
from truce.core.models import ChangeRecord
from truce.interop import services as imports
from truce.interop.models import ExternalKey, ImportJob
from truce.planning import services as planning
from truce.planning.models import Run, Scenario
from truce.requirements.models import Requirement

from .conftest import DEADLINE, wait_until

pytestmark = pytest.mark.faults
API = "/api/v1/workspaces/spark"


def test_web_process_killed_during_an_import_commit(stack, team):
    ctx = access_workspace(team["admin"], "spark")
    lines = ["Summary,Issue key"] + [f"Story {i},WEB-{i}" for i in range(1, 501)]
    upload = SimpleUploadedFile("small.csv", ("\n".join(lines) + "\n").encode())
    job = imports.import_upload(ctx=ctx, kind="requirements", upload=upload, preset="jira")
    _, token = token_create(user=team["admin"], name="faults")
    web = stack.start_web(pause="import.write")

    # Small files are imported inside the request, by the web process itself.
    pending = stack.request_in_background("POST", f"{API}/imports/{job.pk}/commit", token)
    pid = stack.paused_at("import.write")
    assert pid != web.pid  # a gunicorn worker, not the master
    job.refresh_from_db()
    assert job.status == ImportJob.State.IMPORTING and f"|{pid}|" in job.claimed_by
    stack.kill(pid)
    pending["thread"].join(DEADLINE)
    assert "status" not in pending, "the client must not get an answer from a killed process"

    assert Requirement.objects.count() == 0 and ExternalKey.objects.count() == 0
    assert not ChangeRecord.objects.filter(subject_type="requirement").exists()
    job.refresh_from_db()
    assert job.running and not job.committed
    assert jobs.reap_all() == 1
    status, body = stack.request("GET", f"{API}/imports/{job.pk}", token)
    assert (status, body["status"], body["interrupted"], body["can_retry"]) == (
        200, "failed", True, True
    )  # fmt: skip

    # gunicorn has started a new worker; the pause is one-shot, so this request passes it.
    status, body = stack.request("POST", f"{API}/imports/{job.pk}/retry", token)
    assert status == 200, body
    assert (body["status"], body["created_count"], body["interrupted"]) == ("done", 500, False)
    assert Requirement.objects.count() == 500 and ExternalKey.objects.count() == 500


def test_web_process_killed_while_starting_a_run(stack, team):
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
    _, token = token_create(user=team["alice"], name="faults")
    stack.start_web(pause="run.start")
    stack.start_worker()

    runs = f"{API}/planning/scenarios/{scenario.pk}/runs"
    pending = stack.request_in_background("POST", runs, token)
    stack.kill(stack.paused_at("run.start"))  # the run row exists, uncommitted
    pending["thread"].join(DEADLINE)
    assert "status" not in pending

    assert not Run.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="execute_run").exists()
    assert Scenario.objects.get(pk=scenario.pk).version == scenario.version
    assert jobs.reap_all() == 0

    status, body = stack.request("POST", runs, token)
    assert status == 202, body

    def finished():
        run = stack.request("GET", body["url"], token)[1]
        return run if run["status"] in ("done", "failed") else None

    done = wait_until(finished, "the run to finish", logs=stack.logs)
    assert (done["status"], done["number"], done["interrupted"]) == ("done", 1, False)
    assert done["result"]["feasible"]
