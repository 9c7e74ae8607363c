"""benefits/transitions.py: the declared state changes of households, reviews and rolls
refuse what they do not allow and lose cleanly to a concurrent change (issue 16 item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.benefits.conftest import quick_household
from yimen.benefits import transitions
from yimen.benefits.errors import RosterTransitionRefused
from yimen.benefits.models import Beneficiary, BeneficiaryStatus, PaymentRoll

pytestmark = pytest.mark.django_db
S = BeneficiaryStatus


def test_a_household_moves_only_from_the_status_it_is_in(staff):
    home = quick_household(staff.caseworker)
    stale = Beneficiary.objects.get(pk=home.pk)
    transitions.set_household_status(home, S.SUSPENDED, next_review_on=date(2027, 1, 1))
    home.refresh_from_db()
    assert (home.status, home.next_review_on) == (S.SUSPENDED, date(2027, 1, 1))
    with pytest.raises(RosterTransitionRefused, match="concurrently"):
        transitions.set_household_status(stale, S.PHASING_OUT)  # read before the change
    assert Beneficiary.objects.get(pk=home.pk).status == S.SUSPENDED


def test_stopped_is_final(staff):
    home = quick_household(staff.caseworker)
    transitions.set_household_status(home, S.STOPPED)
    home.refresh_from_db()
    for target in S.values:
        with pytest.raises(RosterTransitionRefused):
            transitions.set_household_status(home, target)
    assert Beneficiary.objects.get(pk=home.pk).status == S.STOPPED


def test_a_roll_is_issued_once_a_month(staff):
    fields = {
        "division_id": "220102001000",
        "month": date(2026, 3, 1),
        "households": 0,
        "total_amount": 0,
        "issued_by": staff.approver,
        "digest": "0" * 64,
    }
    assert transitions.issue_roll(**fields) is not None
    assert transitions.issue_roll(**fields) is None
    assert PaymentRoll.objects.count() == 1
