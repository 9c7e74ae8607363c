"""Read-only figures other apps use: funds paid per month and assistance type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from yimen.regions.codes import prefix_of

from .models import FundLedgerEntry


@dataclass(frozen=True)
class FundRow:
    month: date
    assistance_type: str
    households: int
    amount: Decimal


def funds_by_month(division_code: str, first_month: date, last_month: date) -> list[FundRow]:
    """Households paid and funds paid per month and type, from the issued rolls' ledger."""
    rows = (
        FundLedgerEntry.objects.filter(
            division__code__startswith=prefix_of(division_code),
            month__gte=first_month,
            month__lte=last_month,
        )
        .values("month", "assistance_type")
        .annotate(households=Sum("households"), amount=Sum("amount"))
        .order_by("month", "assistance_type")
    )
    return [FundRow(r["month"], r["assistance_type"], r["households"], r["amount"]) for r in rows]


def has_rolls(division_code: str, first_month: date, last_month: date) -> bool:
    return FundLedgerEntry.objects.filter(
        division__code__startswith=prefix_of(division_code),
        month__gte=first_month,
        month__lte=last_month,
    ).exists()
