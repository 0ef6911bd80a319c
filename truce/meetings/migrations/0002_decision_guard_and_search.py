"""Decisions: full-text search over ``search_text``, and a trigger that refuses any change to
what was recorded (the service and ``Decision.save`` refuse too; this holds for raw SQL)."""

from django.db import migrations

from truce.core.search import install_fts, uninstall_fts

TABLE = "meetings_decision"
GUARDED = (
    "number",
    "question",
    "options",
    "product_position",
    "product_rationale",
    "operations_position",
    "operations_rationale",
    "outcome",
    "rationale",
    "decided_at",
    "supersedes_id",
    "workspace_id",
)
MESSAGE = "decisions are immutable: record a new decision that supersedes this one"


def _install_guard(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in GUARDED)
        schema_editor.execute(
            f"CREATE FUNCTION {TABLE}_immutable() RETURNS trigger AS $$ BEGIN "
            f"IF {changed} THEN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_immutable()"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED)
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE ON {TABLE} "
        f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def forwards(apps, schema_editor):
    install_fts(schema_editor, TABLE)
    _install_guard(schema_editor)


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_immutable" + (
        f" ON {TABLE}" if schema_editor.connection.vendor == "postgresql" else ""
    ))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_immutable()")
    uninstall_fts(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
