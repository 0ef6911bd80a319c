"""Background work of planning: executing a run."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_run(*, run_id: int) -> str:
    """Solve a queued run (see services.run_execute); returns the run's final status."""
    from truce.planning.services import run_execute

    run = run_execute(run_id)
    return run.status if run is not None else "skipped"
