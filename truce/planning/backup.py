"""What planning keeps in a workspace backup (see truce/interop/registry.py).

Scenarios, every run (a run's ``previous`` is an earlier run, inserted directly) with its
layout (``summary`` and the ``RunItem`` rows its pages read; a backup taken before layouts
existed restores runs without them, and they are laid out when first shown), the published
period plans and their sign-offs. Nothing is transient here: a run's inputs and
results are what the pages show and are never solved again.

Ids inside the JSON documents: items are named ``R<number>``/``C<number>`` (requirement and
campaign numbers, stable per workspace), so selections, explanations, Pareto points, plan
items and signatures stay right. Pools are named ``P<id>`` in a run's inputs, results and
usage; each run carries its own pool names and units under ``inputs["pools"]`` and nothing
looks a pool up by that id, so the old ids are harmless labels after a restore. A plan's
``content["run"]`` is the old run id (informational; the plan's ``run`` key is remapped and
the content hash, which sign-offs are checked against, covers only the period and the item
keys, so restored sign-offs still count). A run that was queued or running when the backup
was taken is restored in that state with no task behind it; the reaper (truce.core.jobs)
marks it failed and interrupted, and the scenario can run again.
"""

from __future__ import annotations

from truce.interop.registry import Entry
from truce.planning.models import PeriodPlan, PlanSignature, Run, RunItem, Scenario

BACKUP = [
    Entry(Scenario),
    Entry(Run),
    Entry(RunItem, scope="run__workspace"),
    Entry(PeriodPlan),
    Entry(PlanSignature),
]
