"""The county dashboard shows what the issued rolls paid once the area issues its rolls."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.benefits.conftest import quick_household
from tests.factories import NANGUAN, NANLING
from yimen.benefits.services.payments import roll_issue
from yimen.supervision.areas import Period
from yimen.supervision.dashboard import dashboard

pytestmark = pytest.mark.django_db


def test_dashboard_funds_come_from_the_issued_rolls(staff):
    quick_household(staff.caseworker, amount=Decimal("500.00"))
    quick_household(staff.caseworker, amount=Decimal("250.50"), kind="tekun", name="李四")
    period = Period(date(2026, 10, 1), date(2026, 11, 1))
    before = dashboard(NANGUAN, period, timezone.now())
    assert before.funds_paid is False  # no roll yet: the pre-payroll figure
    for month in (date(2026, 10, 1), date(2026, 11, 1)):
        roll_issue(actor=staff.approver, township_code=NANLING, month=month, today=month)
    board = dashboard(NANGUAN, period, timezone.now())
    assert board.funds_paid is True
    assert [(f.month, f.assistance_type, f.households, f.amount) for f in board.funds] == [
        (date(2026, 10, 1), "dibao", 1, Decimal("500.00")),
        (date(2026, 10, 1), "tekun", 1, Decimal("250.50")),
        (date(2026, 11, 1), "dibao", 1, Decimal("500.00")),
        (date(2026, 11, 1), "tekun", 1, Decimal("250.50")),
    ]
    # cents, as the rolls hold them (SQLite's sum came back as 500 or 5190.79000000000)
    assert {str(f.amount) for f in board.funds} == {"500.00", "250.50"}


def test_monthly_statistics_come_from_the_rolls_and_the_stops(staff):
    from yimen.benefits.models import Entitlement
    from yimen.supervision.statistics import monthly_statistics

    a = quick_household(staff.caseworker, amount=Decimal("500.00"))
    quick_household(staff.caseworker, amount=Decimal("250.50"), kind="tekun", name="李四")
    Entitlement.objects.create(
        beneficiary=a,
        effective_month=date(2026, 11, 1),
        status="stopped",
        monthly_amount=0,
        reason="停保",
    )
    month = date(2026, 11, 1)
    assert monthly_statistics(NANGUAN, month).paid is False
    roll_issue(actor=staff.approver, township_code=NANLING, month=month, today=month)
    stats = monthly_statistics(NANGUAN, month)
    assert stats.paid is True
    total = stats.total
    assert total.tally("tekun", "urban").households == 1
    assert total.tally("tekun", "urban").amount == Decimal("250.50")
    assert total.tally("dibao", "urban").households == 0  # stopped from November
    assert total.stops == 1
