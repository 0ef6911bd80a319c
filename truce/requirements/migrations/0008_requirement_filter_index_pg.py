"""A narrow index of every column the requirement list filters by, on PostgreSQL only.

The list counts its matches for the pager, and the health dashboard counts requirements per
status. On PostgreSQL a count must see each row's visibility: with a filter no single index
holds (side and segment, owner and side, a status and a side), it read the whole table, about
30,000 pages of wide rows (titles, descriptions, rendered HTML, search text). At 100k
requirements such a count took 160 ms alone and most of the database's reads under load. With
every filter column in one index the count is an index-only scan of about 400 pages (3 ms).

SQLite counts from its own indexes without a visibility check and is left as it is: its
planner, given a new index over the same columns, can prefer it where it is worse (see 0007).
The index is not in the model's Meta so that Django creates it nowhere else.
"""

from django.db import migrations

NAME = "requirement_filter_idx"


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON requirements_requirement "
            "(workspace_id, status, origin_side, top_segment, owner_id)"
        )
        schema_editor.execute("ANALYZE requirements_requirement")


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("requirements", "0007_requirement_contested_priority_index")]

    operations = [migrations.RunPython(_create, _drop)]
