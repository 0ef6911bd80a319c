"""One kind of change of a workspace over a time window: the health dashboard reads the
requirements' status moves of the last twelve weeks. Without it SQLite walks every change to
every requirement (170k rows at the large seed, to keep 18k); with it, only the window."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_domainevent")]

    operations = [
        migrations.AddIndex(
            model_name="changerecord",
            index=models.Index(
                fields=["workspace", "subject_type", "verb", "created_at"],
                name="change_ws_kind_time_idx",
            ),
        ),
    ]
