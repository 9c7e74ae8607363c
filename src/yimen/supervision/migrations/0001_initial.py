"""Issue 16: the county's flags and sampling, moved here from assistance with their
tables (db_table keeps each assistance_* name). The models enter the migration state only:
the tables exist already (assistance 0001 and 0004 create them, on a fresh database too),
so no row moves. Existing content types (and so permissions and admin log entries) are
relabelled to this app rather than left stale."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("supervisionflag", "samplingshare", "sampledraw", "sampledcase")


def relabel_content_types(apps, schema_editor):
    """On an existing database, move the four content types to this app (their permissions
    follow); a fresh database has none yet and creates them after migrating."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = ContentType.objects.filter(app_label="supervision", model__in=MODELS)
    ContentType.objects.filter(app_label="assistance", model__in=MODELS).exclude(
        model__in=taken.values("model")
    ).update(app_label="supervision")


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = ContentType.objects.filter(app_label="assistance", model__in=MODELS)
    ContentType.objects.filter(app_label="supervision", model__in=MODELS).exclude(
        model__in=taken.values("model")
    ).update(app_label="assistance")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('assistance', '0008_supervision_models_moved_out'),
        ('regions', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SampleDraw',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('first_month', models.DateField(verbose_name='decided from (month)')),
                        ('last_month', models.DateField(verbose_name='decided to (month)')),
                        ('seed', models.CharField(max_length=64, verbose_name='seed')),
                        ('percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='share (%)')),
                        ('share_source', models.CharField(max_length=200, verbose_name='source of the share')),
                        ('population', models.PositiveIntegerField(verbose_name='approved cases in the population')),
                        ('sample_size', models.PositiveIntegerField(verbose_name='cases drawn')),
                        ('population_digest', models.CharField(max_length=64, verbose_name='population fingerprint')),
                        ('drawn_at', models.DateTimeField(auto_now_add=True, verbose_name='drawn at')),
                        ('division', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.division', verbose_name='area')),
                        ('drawn_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='drawn by')),
                    ],
                    options={
                        'verbose_name': 'sample draw',
                        'verbose_name_plural': 'sample draws',
                        'db_table': 'assistance_sampledraw',
                        'ordering': ['-drawn_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='SupervisionFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('comment', models.TextField(verbose_name='comment')),
                        ('raised_at', models.DateTimeField(auto_now_add=True, verbose_name='raised at')),
                        ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervision_flags', to='assistance.application', verbose_name='application')),
                        ('raised_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='raised by')),
                    ],
                    options={
                        'verbose_name': 'supervision flag',
                        'verbose_name_plural': 'supervision flags',
                        'db_table': 'assistance_supervisionflag',
                    },
                ),
                migrations.CreateModel(
                    name='SamplingShare',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('valid_from', models.DateField(verbose_name='valid from')),
                        ('percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='share (%)')),
                        ('source', models.CharField(max_length=200, verbose_name='source')),
                        ('set_at', models.DateTimeField(auto_now_add=True, verbose_name='set at')),
                        ('division', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.division', verbose_name='division')),
                        ('set_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='set by')),
                    ],
                    options={
                        'verbose_name': 'sampling share',
                        'verbose_name_plural': 'sampling shares',
                        'db_table': 'assistance_samplingshare',
                        'constraints': [models.UniqueConstraint(fields=('division', 'valid_from'), name='one_sampling_share_per_day'), models.CheckConstraint(condition=models.Q(('percent__gt', 0), ('percent__lte', 100)), name='sampling_share_percent')],
                    },
                ),
                migrations.CreateModel(
                    name='SampledCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('stratum', models.CharField(max_length=12, verbose_name='township')),
                        ('rank', models.PositiveIntegerField(verbose_name='rank in the draw')),
                        ('finding', models.CharField(choices=[('pending', 'Not yet checked'), ('no_issue', 'No issue found'), ('review_requested', 'Review requested')], default='pending', max_length=20, verbose_name='finding')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('checked_at', models.DateTimeField(blank=True, null=True, verbose_name='checked at')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assistance.application', verbose_name='application')),
                        ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='checked by')),
                        ('draw', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cases', to='supervision.sampledraw', verbose_name='draw')),
                        ('flag', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='supervision.supervisionflag', verbose_name='request for review')),
                    ],
                    options={
                        'verbose_name': 'sampled case',
                        'verbose_name_plural': 'sampled cases',
                        'db_table': 'assistance_sampledcase',
                        'ordering': ['draw', 'stratum', 'rank'],
                        'constraints': [models.UniqueConstraint(fields=('draw', 'application'), name='sampled_once_per_draw')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
