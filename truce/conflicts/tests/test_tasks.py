from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from truce.conflicts.models import Conflict
from truce.conflicts.tasks import detect_conflicts, on_event


def _queued(workspace_id: int) -> int:
    return DBTaskResult.objects.filter(
        status="READY",
        task_path=detect_conflicts.module_path,
        args_kwargs__kwargs__workspace_id=workspace_id,
    ).count()


def _event(workspace, kind="requirement.updated"):
    return SimpleNamespace(kind=kind, workspace_id=workspace.pk, actor=None)


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_burst_of_events_queues_one_detection_per_workspace(settings, workspace, contested):
    """Events that arrive while a detection waits in the queue add nothing: the waiting run
    starts later and reads their writes. Once it has run, the next event queues a new one."""
    from truce.accounts.models import Workspace

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    other = Workspace.objects.create(name="Other", slug="other-ws")
    for _ in range(5):
        on_event(_event(workspace))
    on_event(_event(other, "campaign.updated"))
    on_event(_event(workspace, "comment.created"))  # not a trigger
    assert _queued(workspace.pk) == 1
    assert _queued(other.pk) == 1

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert _queued(workspace.pk) == 0
    runs = DBTaskResult.objects.filter(task_path=detect_conflicts.module_path)
    assert runs.filter(status="SUCCESSFUL").count() == 2
    assert Conflict.objects.filter(workspace=workspace).exists()  # the run saw the contested item

    on_event(_event(workspace))
    assert _queued(workspace.pk) == 1


@pytest.mark.django_db
def test_other_backends_run_every_event(workspace, contested):
    """The immediate backend (tests, single-process setups) runs detection on each event."""
    on_event(_event(workspace))
    assert Conflict.objects.filter(workspace=workspace).exists()
    assert DBTaskResult.objects.count() == 0
