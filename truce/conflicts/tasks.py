"""Background work of conflicts: detection after the events that can create a cause, and the
weekly health snapshot."""

from __future__ import annotations

from django_tasks import task

# Events after which a new cause may exist (prefixes).
TRIGGERS = ("requirement.", "pool.overcommitted", "launch.", "raci.", "campaign.")


@task()
def detect_conflicts(*, workspace_id: int, language: str = "zh-hans") -> int:
    from truce.accounts.models import Workspace
    from truce.conflicts.services import detect

    workspace = Workspace.objects.filter(pk=workspace_id).first()
    return len(detect(workspace, language)) if workspace else 0


def on_event(event) -> None:
    """Subscriber: re-run detection for the event's workspace (cheap, bounded scans), unless a
    run for it is already waiting in the queue: that run has not started, so it will read
    everything committed before this event anyway (a burst of edits costs one run, not one
    per edit)."""
    if event.kind.startswith(TRIGGERS) and not _waiting(event.workspace_id):
        language = getattr(event.actor, "language", "") or "zh-hans"
        detect_conflicts.enqueue(workspace_id=event.workspace_id, language=language)


def _waiting(workspace_id: int) -> bool:
    """A detection for the workspace is queued and not yet picked up (database queue only;
    other backends run or hand off the task at once and have nothing to look at)."""
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(detect_conflicts.get_backend(), DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(status="READY", task_path=detect_conflicts.module_path)
        .filter(args_kwargs__kwargs__workspace_id=workspace_id)
        .exists()
    )
