"""What conflicts keeps in a workspace backup (see truce/interop/registry.py).

Conflicts come after the decisions that close them (a decided conflict must have one, and the
decision's key is remapped), with their evidence (links rewritten to the new slug) and the
weekly health snapshots, which cannot be rebuilt from history. The unique constraints hold
per workspace, so a restore beside the original collides with nothing.

A detected conflict's ``key`` names its cause by id ("contested:requirement:12",
"overcommitted:pool:3:2026-07-01", "launch_clash:launch:2"): the ids are remapped on restore,
otherwise detection in the restored workspace would not recognise the open conflicts and
would open them a second time.
"""

from __future__ import annotations

from truce.conflicts.models import Conflict, Evidence, HealthSnapshot
from truce.interop.registry import Entry

CAUSE_REFS = (
    ("key", "requirement:", "requirements.requirement"),
    ("key", "pool:", "resources.resourcepool"),
    ("key", "launch:", "launches.launch"),
)

BACKUP = [
    Entry(Conflict, id_refs=CAUSE_REFS),
    Entry(Evidence, scope="conflict__workspace", slug_links=("url",)),
    Entry(HealthSnapshot),
]
