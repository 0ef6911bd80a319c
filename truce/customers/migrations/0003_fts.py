from django.db import migrations

from truce.core.search import install_fts, uninstall_fts

TABLE = "customers_feedback"


def forwards(apps, schema_editor):
    install_fts(schema_editor, TABLE)


def backwards(apps, schema_editor):
    uninstall_fts(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
