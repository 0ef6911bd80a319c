"""Audit events are append-only: a trigger refuses any UPDATE of what was recorded (the model
and its queryset refuse too; this holds for raw SQL). Only ``actor_id`` may change, so that
deleting a user sets it to NULL (SET_NULL).

On SQLite a later migration that rebuilds this table drops the trigger and must create it
again; truce/accounts/tests/test_audit.py fails if the trigger is missing."""

from django.db import migrations

TABLE = "accounts_auditevent"
GUARDED = (
    "workspace_id",
    "action",
    "outcome",
    "target",
    "data",
    "ip_address",
    "user_agent",
    "created_at",
)
MESSAGE = "audit events are append-only"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in GUARDED)
        schema_editor.execute(
            f"CREATE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$ BEGIN "
            f"IF {changed} THEN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END IF; RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED)
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
        f"WHEN {changed} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_outcome_user_agent")]
    operations = [migrations.RunPython(forwards, backwards)]
