"""Issue 16: the county's flags and sampling moved to the supervision app, which keeps
their tables (db_table). Only the migration state forgets them here; the database keeps
the tables and their rows untouched, so nothing is copied on an existing database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0007_merge_session5"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # the sampled case first: it refers to the draw and to the flag
                migrations.DeleteModel(name="SampledCase"),
                migrations.DeleteModel(name="SampleDraw"),
                migrations.DeleteModel(name="SamplingShare"),
                migrations.DeleteModel(name="SupervisionFlag"),
            ],
            database_operations=[],
        ),
    ]
