"""The database keeps a settlement's institution equal to its visit's (migration 0002).

The settlement has no foreign key to the institution row (it would lock that hot row at every
commit); the composite key (encounter, institution) → the visit's (id, institution) on
PostgreSQL, and triggers on SQLite, must refuse what such a key refused. A later migration
that rebuilds the table on SQLite and drops the triggers would fail here.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from yimen.settlement.models import Encounter, Institution, Settlement

from .test_interface import outpatient_bill, settle_body

pytestmark = pytest.mark.django_db


def _settled(fsi, employee) -> Settlement:
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    assert fsi.post(settle_body(fsi, psn_no, mdtrt_id))[1]["infcode"] == 0
    return Settlement.objects.get(encounter__mdtrt_id=mdtrt_id)


def _refused(do) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        do()
        connection.check_constraints()  # deferred keys are checked at commit; check now


def test_a_settlement_names_its_visits_institution(fsi, employee):
    settlement = _settled(fsi, employee)
    other = Institution.objects.exclude(pk=settlement.institution_id).first()
    assert other is not None
    row = Settlement.objects.filter(pk=settlement.pk)
    _refused(lambda: row.update(institution_id=other.pk))
    _refused(lambda: row.update(institution_id=999_999))
    # the visit cannot move to another institution under its settlement either
    visit = Encounter.objects.filter(pk=settlement.encounter_id)
    _refused(lambda: visit.update(institution_id=other.pk))
    settlement.refresh_from_db()
    assert settlement.institution_id == settlement.encounter.institution_id


def test_a_new_settlement_with_another_institution_is_refused(fsi, employee):
    settlement = _settled(fsi, employee)
    other = Institution.objects.exclude(pk=settlement.institution_id).first()
    assert other is not None

    def insert():
        settlement.pk = None
        settlement.setl_id = "S-INTEGRITY-TEST"
        settlement.institution_id = other.pk
        settlement.save(force_insert=True)

    _refused(insert)
