"""Two imports at once, on PostgreSQL with real row locks: of one batch (one wins, the other
is told it is imported), and of two batches of the same sheet (the second writes nothing and
is refused — the records' unique keys — or, if it checks after the first committed, skips
them all). Never a household twice."""

from __future__ import annotations

import pytest

from tests.races import on_postgres, race
from tests.rostermove.sheets import generate
from yimen.benefits.models import Beneficiary
from yimen.rostermove.errors import AlreadyImported, MovedMeanwhile
from yimen.rostermove.models import ImportBatch
from yimen.rostermove.services import batch_check, batch_import

from .conftest import rules_amount

pytestmark = [*on_postgres, pytest.mark.usefixtures("pinned_clock")]


def test_one_batch_twice_at_once(county):
    data = generate(40, rules_amount).csv_bytes()
    batch = batch_check(
        actor=county.staff, kind="roster", division_code="220102", data=data, file_name="r.csv"
    )
    results = race(
        lambda: batch_import(actor=county.staff, batch=ImportBatch.objects.get(pk=batch.pk)),
        lambda: batch_import(actor=county.staff, batch=ImportBatch.objects.get(pk=batch.pk)),
    )
    assert sum(isinstance(r, AlreadyImported) for r in results) == 1
    assert Beneficiary.objects.count() == 40


def test_two_batches_of_one_sheet_at_once(county):
    data = generate(40, rules_amount).csv_bytes()
    first, second = (
        batch_check(
            actor=county.staff, kind="roster", division_code="220102", data=data, file_name=n
        )
        for n in ("a.csv", "b.csv")
    )
    results = race(
        lambda: batch_import(actor=county.staff, batch=first),
        lambda: batch_import(actor=county.staff, batch=second),
    )
    imported = [r.imported for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, MovedMeanwhile) for r in refused), [repr(r)[:300] for r in refused]
    assert sorted(imported) in ([40], [0, 40])
    assert Beneficiary.objects.count() == 40
