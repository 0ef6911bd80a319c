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
    """Subscriber: re-run detection for the event's workspace (cheap, bounded scans)."""
    if event.kind.startswith(TRIGGERS):
        language = getattr(event.actor, "language", "") or "zh-hans"
        detect_conflicts.enqueue(workspace_id=event.workspace_id, language=language)
