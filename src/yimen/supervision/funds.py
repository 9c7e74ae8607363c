"""Households and funds per month and assistance type, for the county dashboard.

Where the area issues its monthly payment rolls in Yimen, the figure is what was paid:
``yimen.benefits.selectors.funds_by_month`` over the fund ledger. Elsewhere it is the
PRE-PAYROLL figure derived here from the township's approved decisions alone:

* a household approved in month M is counted, with the decision's monthly amount, from
  month M+1 on (payment starts the month after approval [A2021 Art.21]);
* it stops counting from the month after an objection review revoked the approval;
* dynamic-management outcomes (adjust, phase-out, suspend, stop) are not known here, so
  this figure is what the decisions promised, not what was paid; the pages say which.

Two set-based queries: approvals grouped by month and type in the database, and the
(rare) revocations; the running totals over the months are then a reduction in Python
over at most 36 months × 3 types, never a loop over cases."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, DateField, Min, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from yimen.assistance.facts import facts_sync
from yimen.assistance.models import DecisionFact, Objection
from yimen.benefits.selectors import (
    FundRow,  # one row shape for both sources
    has_rolls,
)
from yimen.benefits.selectors import funds_by_month as paid_by_month
from yimen.months import next_month

from .areas import area_q, month_start


def approvals_by_month(division_code: str, before: date) -> list[dict]:
    """Approved decisions in the area decided before ``before``, by month and type."""
    return list(
        DecisionFact.objects.filter(
            area_q(division_code, "division_code"),
            approved=True,
            decided_at__lt=month_start(before),
        )
        .annotate(month=TruncMonth("decided_at", output_field=DateField()))
        .values("month", "assistance_type")
        .annotate(households=Count("pk"), amount=Sum("monthly_amount"))
        .order_by()
    )


def revocations(division_code: str, before: date) -> list[dict]:
    """Approvals revoked by an objection review before ``before``: one row per household
    with the first revocation's time (a revocation is rare; the rows are few)."""
    return list(
        Objection.objects.filter(
            area_q(division_code, "application__division_id"),
            application__decision__approved=True,
            review_case__tasks__step="conclude",
            review_case__tasks__outcome="revoked",
            review_case__tasks__completed_at__lt=month_start(before),
        )
        .values(
            "application_id",
            "application__decision__assistance_type",
            "application__decision__monthly_amount",
        )
        .annotate(revoked_at=Min("review_case__tasks__completed_at"))
        .order_by()
    )


def _month_of(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def funds_by_month_from_decisions(
    division_code: str, first_month: date, last_month: date
) -> list[FundRow]:
    """PRE-PAYROLL households and funds per month and type for the area of
    ``division_code``, months ``first_month``..``last_month`` (1st of each month).

    Same signature and rows as ``yimen.benefits.selectors.funds_by_month``, which replaces
    it once the payment rolls exist (see the module docstring for what differs)."""
    end = next_month(last_month)
    facts_sync()
    # change[type][month]: households and amount starting (+) or stopping (−) that month
    change: dict[str, dict[date, list]] = defaultdict(lambda: defaultdict(lambda: [0, Decimal(0)]))
    for row in approvals_by_month(division_code, last_month):
        start = next_month(row["month"])
        entry = change[row["assistance_type"]][start]
        entry[0] += row["households"]
        entry[1] += row["amount"] or Decimal(0)
    for row in revocations(division_code, end):
        stop = next_month(_month_of(row["revoked_at"]))
        entry = change[row["application__decision__assistance_type"]][stop]
        entry[0] -= 1
        entry[1] -= row["application__decision__monthly_amount"] or Decimal(0)
    found: list[FundRow] = []
    for kind in sorted(change):
        households, amount = 0, Decimal(0)
        steps = sorted(change[kind].items())
        i = 0
        month = first_month
        while month <= last_month:
            # everything that started (or stopped) up to this month is carried in
            while i < len(steps) and steps[i][0] <= month:
                households, amount = households + steps[i][1][0], amount + steps[i][1][1]
                i += 1
            if households:
                found.append(FundRow(month, kind, households, amount.quantize(Decimal("0.01"))))
            month = next_month(month)
    found.sort(key=lambda r: (r.month, r.assistance_type))
    return found


def paid_from_rolls(division_code: str, first_month: date, last_month: date) -> bool:
    """True when the area has issued payment rolls in the period: then the figure is what
    was paid (benefits' fund ledger), else the pre-payroll figure above."""
    return has_rolls(division_code, first_month, last_month)


def funds_by_month(
    division_code: str, first_month: date, last_month: date
) -> tuple[list[FundRow], bool]:
    """Households and funds per month and type, and whether they were paid: from the issued
    rolls where the area issues them in Yimen, otherwise what the decisions promised
    (pre-payroll). One source per call, never mixed."""
    if paid_from_rolls(division_code, first_month, last_month):
        return paid_by_month(division_code, first_month, last_month), True
    return funds_by_month_from_decisions(division_code, first_month, last_month), False
