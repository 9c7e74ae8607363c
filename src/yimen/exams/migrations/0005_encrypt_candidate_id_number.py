"""Candidates' ID numbers encrypted with SM4, unique by their blind index (issue 23)."""

from django.db import migrations

import yimen.fieldcrypt.fields
from yimen.fieldcrypt.migrating import encrypt_rows


def encrypt(apps, schema_editor):
    encrypt_rows(apps, schema_editor, "exams.Candidate")


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0004_candidate_link_code"),
        ("fieldcrypt", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="id_number_bidx",
            field=yimen.fieldcrypt.fields.BlindIndexField(of="id_number"),
        ),
        migrations.AlterField(
            model_name="candidate",
            name="id_number",
            field=yimen.fieldcrypt.fields.EncryptedField(
                blind_index="id_number_bidx",
                kind="id_number",
                max_length=18,
                verbose_name="ID number",
            ),
        ),
        migrations.RunPython(encrypt, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="candidate",
            name="id_number_bidx",
            field=yimen.fieldcrypt.fields.BlindIndexField(of="id_number", unique=True),
        ),
    ]
