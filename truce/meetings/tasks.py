"""Background work of meetings: the morning reminder of an action item's due date."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_action(*, action_id: int, due: str) -> bool:
    """Re-checks the item when it runs: done, cancelled, moved or already reminded sends
    nothing (see records.action_remind)."""
    from truce.meetings.records import action_remind

    return action_remind(action_id=action_id, due=due)
