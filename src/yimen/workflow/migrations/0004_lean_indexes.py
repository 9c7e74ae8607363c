"""Fewer index entries per case and task (issue 5: a verification run completes 100,000 verify
tasks, inserts their next-stage tasks and moves the cases on in one go).

workflow_task had nine indexes and every completed task wrote an entry in each (PostgreSQL
rewrites every index of a row whose indexed column, here status, changed). Every query that
filters tasks by status asks for open ones, so the three (status, …)/(case, stage, status)
indexes become partial indexes over open tasks — a finished task leaves them; case_id alone
was a prefix of one_task_per_step (case, step); division keeps one plain index (its
varchar_pattern_ops twin served no query: tasks are never filtered by a code prefix).

workflow_case had ten: process alone and its pattern twin (prefix of (process, status)),
division alone (prefix of (division, status)) and the case number's pattern twin (the search
is icontains, which no index serves) go. On PostgreSQL the subtree filters on division
(division_id LIKE '2201%') keep their varchar_pattern_ops index, made here by hand because
Django makes it only together with the plain one; SQLite's LIKE (case-insensitive, with an
ESCAPE) uses no index, so it gets none.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _case_division_prefix(create: bool):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        if create:
            schema_editor.execute(
                "CREATE INDEX workflow_case_division_prefix "
                "ON workflow_case (division_id varchar_pattern_ops)"
            )
        else:
            schema_editor.execute("DROP INDEX IF EXISTS workflow_case_division_prefix")

    return apply


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('workflow', '0003_case_fillfactor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='task',
            name='workflow_ta_status_8077c7_idx',
        ),
        migrations.RemoveIndex(
            model_name='task',
            name='workflow_ta_case_id_18c0b9_idx',
        ),
        migrations.RemoveIndex(
            model_name='task',
            name='workflow_ta_status_4ef109_idx',
        ),
        migrations.AlterField(
            model_name='case',
            name='division',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.division', verbose_name='division'),
        ),
        migrations.AlterField(
            model_name='case',
            name='number',
            field=models.CharField(max_length=40, verbose_name='case number'),
        ),
        migrations.AlterField(
            model_name='case',
            name='process',
            field=models.CharField(max_length=40, verbose_name='process'),
        ),
        migrations.AlterField(
            model_name='task',
            name='case',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='workflow.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='task',
            name='division',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.division', verbose_name='division'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['division', 'due_at'], name='workflow_task_open_division'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['due_at'], name='workflow_task_open_due'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['case'], name='workflow_task_open_case'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['division'], name='workflow_task_division'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(fields=('number',), name='workflow_case_number'),
        ),
        migrations.RunPython(_case_division_prefix(True), _case_division_prefix(False)),
    ]
