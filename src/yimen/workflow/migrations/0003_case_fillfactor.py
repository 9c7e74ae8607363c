"""PostgreSQL: leave 15 % of each page of workflow_case free, so that the frequent updates of
a case's stage, version and conditions (none of them indexed) are HOT updates — the new row
version stays on its page and none of the table's ten indexes is touched. A batch that moves
100,000 cases on (the verification run) otherwise writes ten index entries per case. Only
pages written from now on keep the space (VACUUM FULL or CLUSTER rewrites the old ones).
Nothing to do on SQLite."""

from django.db import migrations


def _fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE workflow_case SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_case_limit_at")]

    operations = [migrations.RunPython(_fillfactor(85), _fillfactor(100))]
