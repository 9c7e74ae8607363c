"""Fixtures for the roster: a household approved through the real case path, and quick
households made directly in the tables for the payment arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from tests.assistance.conftest import (
    household_input,
    id_number,
    staff,  # noqa: F401  (re-exported fixture)
)
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import HUAYANG
from yimen.assistance.services import intake, steps
from yimen.benefits.demo import historical_household
from yimen.benefits.models import Beneficiary

_serial = count(100)


@pytest.fixture
def approved(staff, settings, tmp_path):  # noqa: F811
    """An application taken through acceptance, verification, visit, decision, disclosure."""
    settings.MEDIA_ROOT = tmp_path

    def make(amount=Decimal("1234.50"), kind="dibao", **overrides):
        application = intake.application_create(
            actor=staff.caseworker, data=household_input(**overrides)
        )
        attach_basics(staff.caseworker, application)
        steps.case_accept(actor=staff.caseworker, application=application)
        investigate(staff, application)
        steps.case_decide(
            actor=staff.approver,
            application=application,
            approve=True,
            assistance_type=kind,
            monthly_amount=amount,
            reasons="人均收入低于保障标准",
        )
        steps.disclosure_publish(actor=staff.village, application=application)
        return application

    return make


def quick_household(
    created_by,
    *,
    amount: Decimal = Decimal("500.00"),
    start: date = date(2025, 1, 1),
    kind: str = "dibao",
    division: str = HUAYANG,
    name: str = "王小明",
    account: str = "6222020200112233",
) -> Beneficiary:
    """A household on the roster written straight into the tables (for payment arithmetic)."""
    serial = next(_serial)
    beneficiary = historical_household(
        created_by,
        name=name,
        id_number=id_number("19600101", f"{serial % 1000:03d}"),
        village=division,
        kind=kind,
        amount=amount,
        start=start,
        account=account,
    )
    Beneficiary.objects.filter(pk=beneficiary.pk).update(
        bank_name="中国工商银行长春南关支行" if account else "",
        next_review_on=date(start.year + 1, start.month, 1),
    )
    beneficiary.refresh_from_db()
    return beneficiary
