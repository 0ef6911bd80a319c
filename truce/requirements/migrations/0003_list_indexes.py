"""Indexes for the list and board at 100k requirements (see bench/pages.py).

Sorting by priority puts unscored items (NULL) last on both databases. PostgreSQL sorts NULLs
first in DESC order, so its indexes say NULLS LAST to match the ORDER BY; SQLite already sorts
NULL lowest and rejects NULLS LAST in an index. Ordinary Django indexes can't express that
difference, hence raw SQL per vendor.
"""

from django.db import migrations

TABLE = "requirements_requirement"
INDEXES = {
    # board columns and "status=… sort=priority"
    "req_ws_status_prio": "(workspace_id, status, priority DESC{nulls}, number DESC)",
    # "sort=priority" without a status filter
    "req_ws_prio_number": "(workspace_id, priority DESC{nulls}, number DESC)",
    # "segment=A sort=demand"
    "req_ws_seg_demand": "(workspace_id, top_segment, demand_value DESC, number DESC)",
}


def forwards(apps, schema_editor):
    nulls = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    for name, columns in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} {columns.format(nulls=nulls)}")
    # the tag filter joins through here by tag first
    schema_editor.execute(
        "CREATE INDEX req_tags_tag_req ON requirements_requirement_tags (tag_id, requirement_id)"
    )


def backwards(apps, schema_editor):
    for name in [*INDEXES, "req_tags_tag_req"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("requirements", "0002_fts")]
    operations = [migrations.RunPython(forwards, backwards)]
