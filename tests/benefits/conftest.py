"""Fixtures for the roster: a household approved through the real case path, and quick
households made directly in the tables for the payment arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.core.management import call_command

from tests.assistance.conftest import (
    household_input,
    id_number,
    staff,  # noqa: F401  (re-exported fixture)
)
from tests.assistance.test_case_paths import attach_basics, investigate
from tests.factories import HUAYANG
from yimen.assistance.inputs import IncomeInput
from yimen.assistance.services import intake, steps
from yimen.benefits.demo import historical_household
from yimen.benefits.models import Beneficiary
from yimen.benefits.services import enrolment

_serial = count(100)


def members_earning(*, wages: str, serial: str):
    """The default household's members, the head earning ``wages`` a month; ``serial``
    makes their ID numbers differ from another household's."""
    from stdnum.cn import ric

    members = household_input().members
    for m in members:
        m.id_number = m.id_number[:14] + serial + m.id_number[15:17]
        m.id_number = m.id_number[:17] + ric.calc_check_digit(m.id_number[:17] + "0")
    members[0].incomes = [IncomeInput("wages", Decimal(wages))]
    return members


@pytest.fixture
def three_households(staff, approved):  # noqa: F811
    """Three households approved under the shipped parameters, at amounts the rules would
    not all give: 1 yuan, 99.99 yuan (head earning 800) and 300 yuan (head earning 20,000)."""
    call_command("load_parameters", verbosity=0)
    return [
        approved(amount=Decimal("1")),
        approved(amount=Decimal("99.99"), members=members_earning(wages="800", serial="5")),
        approved(amount=Decimal("300"), members=members_earning(wages="20000", serial="7")),
    ]


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
        enrolment.disclosure_publish(actor=staff.village, application=application)
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
