"""Issue 23: no raw ID number is kept by verification. Pending requests name their members
by blind index, and the partner batches already imported have their ID number column
replaced by the blind index (the file is rewritten in place, atomically)."""

import os
import re
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import migrations

from yimen.fieldcrypt.columns import blind_indexes

INDEX = re.compile(r"^[0-9a-f]{32}$")


def _plain(values):
    return [v for v in values if v and not INDEX.match(v)]


def forwards(apps, schema_editor):
    Request = apps.get_model("verification", "VerificationRequest")
    for request in Request.objects.all().iterator():
        if _plain(request.member_ids):
            request.member_ids = [
                v if INDEX.match(v or "") else blind_indexes("id_number", [v])[0]
                for v in request.member_ids
            ]
            request.save(update_fields=["member_ids"])
    Batch = apps.get_model("verification", "ImportBatch")
    for batch in Batch.objects.exclude(parquet_path=""):
        path = Path(settings.DATA_DIR) / batch.parquet_path
        if not path.exists():
            continue
        frame = pl.read_parquet(path)
        if "id_number" not in frame.columns or not _plain(frame["id_number"].head(50).to_list()):
            continue
        frame = frame.with_columns(
            pl.Series("id_number", blind_indexes("id_number", frame["id_number"].to_list()))
        )
        temporary = path.with_suffix(".rewrite")
        frame.write_parquet(temporary)
        os.replace(temporary, path)


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0003_verificationrun_verificationreport_and_more"),
        ("fieldcrypt", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
