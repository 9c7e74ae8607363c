"""The import takes the dry run's writable records instead of reading and checking the
sheet again — and still re-asks the database: a person enrolled since the dry run keeps
the household out. A kept result that does not match its digest is not used (the sheet
is then checked in full), so an altered result cannot slip records in unchecked."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tests.rostermove.sheets import generate
from yimen.benefits.models import Beneficiary
from yimen.rostermove.models import CheckedRecords, ImportBatch, MovedRecord, RowProblem
from yimen.rostermove.services import batch_check, batch_import

from .conftest import rules_amount
from .test_roster_import import _existing_household

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def _checked(county, n: int = 20):
    sheet = generate(n, rules_amount)
    batch = batch_check(
        actor=county.staff,
        kind="roster",
        division_code="220102",
        data=sheet.csv_bytes(),
        file_name="k.csv",
    )
    assert CheckedRecords.objects.filter(batch=batch).exists()
    return sheet, batch


def test_the_import_rechecks_the_database_not_the_sheet(county):
    sheet, batch = _checked(county)
    # the sheet is gone: an import that read it again would refuse it as unreadable
    ImportBatch.objects.filter(pk=batch.pk).update(content=b"")
    # meanwhile a member of a household was enrolled elsewhere
    k = next(i for i, h in enumerate(sheet.households) if h.members >= 2)
    member = sheet.households[k].rows[-1]["身份证号"]
    _existing_household(county.staff, member, with_case=False)
    outcome = batch_import(actor=county.staff, batch=batch)
    assert outcome.imported == 19 and outcome.skipped == 1
    assert outcome.batch.valid == 19 and outcome.batch.blocking == 1
    row = sheet.row_of(k, len(sheet.households[k].rows) - 1)
    assert RowProblem.objects.filter(batch=batch, row=row, code="on_roster", blocking=True).exists()
    head = sheet.households[k].rows[0]["户主身份证号"]
    assert not MovedRecord.objects.filter(key=head).exists()
    assert Beneficiary.objects.count() == 19 + 1  # and the one enrolled meanwhile


def test_an_altered_result_is_not_used(county):
    _sheet, batch = _checked(county)
    kept = CheckedRecords.objects.get(batch=batch)
    records = pl.read_parquet(io.BytesIO(bytes(kept.data)))
    one = records.filter(pl.col("hid") == records["hid"][0])
    buffer = io.BytesIO()
    one.write_parquet(buffer)
    CheckedRecords.objects.filter(pk=kept.pk).update(data=buffer.getvalue())
    # the digest no longer matches: the sheet is checked again and every household moves in
    assert batch_import(actor=county.staff, batch=batch).imported == 20
    assert Beneficiary.objects.count() == 20
