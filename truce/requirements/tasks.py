"""Background work of the requirements pool."""

from __future__ import annotations

from django_tasks import task

from truce.accounts.models import Workspace


@task()
def rescore_workspace(*, workspace_id: int) -> int:
    """After a scorecard change every requirement's lens scores are derived again."""
    from truce.requirements.scoring import rescore_all

    return rescore_all(Workspace.objects.get(pk=workspace_id))
