"""Read-only figures other apps use: funds paid per month and assistance type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from yimen.regions.codes import prefix_of

from .models import (
    Entitlement,
    EntitlementStatus,
    FundLedgerEntry,
    PaymentLine,
    PaymentReturn,
    ReturnStatus,
)

CENT = Decimal("0.01")


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
    # SQLite sums a DecimalField as 5190.79000000000: back to cents, as the rolls hold them
    return [
        FundRow(
            r["month"], r["assistance_type"], r["households"], Decimal(r["amount"]).quantize(CENT)
        )
        for r in rows
    ]


def has_rolls(division_code: str, first_month: date, last_month: date) -> bool:
    return FundLedgerEntry.objects.filter(
        division__code__startswith=prefix_of(division_code),
        month__gte=first_month,
        month__lte=last_month,
    ).exists()


def paid_households_by_child(code: str, month: date, key) -> list[dict]:
    """Households, persons and amounts paid by the issued rolls of ``month`` in the area,
    by ``key`` (an expression naming a row's child of the area, given the village-code
    field), type and registration: the statistics' "on assistance" once the area issues
    its rolls. One query of the month's lines, reduced per household in Python."""
    per_home = (
        PaymentLine.objects.filter(
            roll__division__code__startswith=prefix_of(code), roll__month=month
        )
        .annotate(key=key("beneficiary__division_id"))
        .values(
            "beneficiary_id",
            "key",
            "assistance_type",
            "beneficiary__application__hukou_type",
            "beneficiary__members",
        )
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    groups: dict[tuple[str, str, str], dict] = {}
    for r in per_home.iterator(chunk_size=10_000):
        group = (r["key"], r["assistance_type"], r["beneficiary__application__hukou_type"])
        into = groups.setdefault(group, {"households": 0, "persons": 0, "amount": Decimal("0.00")})
        into["households"] += 1
        into["persons"] += r["beneficiary__members"]
        into["amount"] += Decimal(r["amount"]).quantize(Decimal("0.01"))
    return [
        {"key": k, "assistance_type": t, "hukou_type": h, **figures}
        for (k, t, h), figures in sorted(groups.items())
    ]


def stops_by_child(code: str, month: date, key) -> list[dict]:
    """Households whose assistance stops from ``month`` (a stop decided in dynamic
    management, the end of a phase-out, or a revoked approval), by child of the area."""
    return list(
        Entitlement.objects.filter(
            beneficiary__division__code__startswith=prefix_of(code),
            status=EntitlementStatus.STOPPED,
            effective_month=month,
        )
        .annotate(key=key("beneficiary__division_id"))
        .values("key")
        .annotate(stops=Count("beneficiary_id", distinct=True))
        .order_by()
    )


def households_with_open_returns(beneficiary_ids) -> set[int]:
    """Of ``beneficiary_ids``, the households flagged: a payment of theirs came back and
    has not been paid again yet (services/returns.py)."""
    return set(
        PaymentReturn.objects.filter(
            beneficiary_id__in=beneficiary_ids, status__in=ReturnStatus.flagged()
        ).values_list("beneficiary_id", flat=True)
    )


def returns_in(division_codes: list[str], *, open_only: bool = False):
    """Returned payments of the townships ``division_codes`` (the caller scoped them),
    newest file first, with what a list shows."""
    rows = PaymentReturn.objects.filter(roll__division_id__in=division_codes).select_related(
        "roll", "beneficiary", "batch", "reissued_in"
    )
    if open_only:
        rows = rows.filter(status__in=ReturnStatus.flagged())
    return rows.order_by("-batch__imported_at", "row_number")
