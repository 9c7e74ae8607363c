"""The monthly statistics a civil-affairs bureau reports (issue 6 item 5), per month and
per child division of an area: households and persons on 低保 / 特困 / 低收入 by urban and
rural registration, the month's new approvals, refusals and stops, the funds, the
standard in force and the average benefit per person.

policy.md lists no report form, so the indicators are the usual ones of the 民政统计
monthly tables (docs/county-supervision.md lists each with its definition). Where the
area issues its payment rolls in Yimen, "on assistance", "funds" and "stops" come from the
rolls and dynamic management (benefits.selectors); elsewhere they are the PRE-PAYROLL
figure of funds.py (approved, not revoked; counted from the month after approval) and the
revocations of approvals after an objection. The page and the Excel say which.

Set-based: three grouped queries of the read model (models/facts.py) and one of the
revocations, for the whole area and month, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from yimen.assistance.choices import AssistanceType, HukouType
from yimen.assistance.facts import facts_sync
from yimen.assistance.models import DecisionFact, Objection
from yimen.assistance.parameters import ParametersNotFound, parameter_set_in_force
from yimen.benefits.selectors import paid_households_by_child, stops_by_child
from yimen.months import next_month as _next_month
from yimen.regions.models import Division

from .areas import area_q, child_key, child_length, children_of, key_to_code, month_start
from .funds import paid_from_rolls

CENT = Decimal("0.01")
GROUPS = [(t, h) for t in AssistanceType.values for h in HukouType.values]


@dataclass
class Tally:
    households: int = 0
    persons: int = 0
    amount: Decimal = Decimal("0.00")


@dataclass
class StatsRow:
    """The indicators of one child division (or of the whole area, last row)."""

    code: str
    name: str
    on: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    approvals: int = 0
    refusals: int = 0
    stops: int = 0
    standard_urban: Decimal | None = None
    standard_rural: Decimal | None = None

    def tally(self, kind: str, hukou: str) -> Tally:
        return self.on[(kind, hukou)]

    def of_type(self, kind: str) -> Tally:
        found = Tally()
        for hukou in HukouType.values:
            one = self.on[(kind, hukou)]
            found.households += one.households
            found.persons += one.persons
            found.amount += one.amount
        return found

    @property
    def funds(self) -> Decimal:
        return sum((t.amount for t in self.on.values()), Decimal("0.00"))

    def average_benefit(self, kind: str, hukou: str | None = None) -> Decimal | None:
        """Yuan per person per month: the type's funds over its persons."""
        tally = self.of_type(kind) if hukou is None else self.tally(kind, hukou)
        if not tally.persons:
            return None
        return (tally.amount / tally.persons).quantize(CENT, ROUND_HALF_UP)


@dataclass
class MonthlyStatistics:
    code: str
    name: str
    month: date
    rows: list[StatsRow]  # children, then the whole area
    paid: bool = False  # "on assistance", funds and stops from the issued rolls

    @property
    def total(self) -> StatsRow:
        return self.rows[-1]


def _on_assistance(code: str, month: date):
    """Approved before ``month`` began and not revoked before it (pre-payroll)."""
    start = month_start(month)
    revoked = Objection.objects.filter(
        review_case__tasks__step="conclude",
        review_case__tasks__outcome="revoked",
        review_case__tasks__completed_at__lt=start,
    ).values("application_id")
    return DecisionFact.objects.filter(
        area_q(code, "division_code"), approved=True, decided_at__lt=start
    ).exclude(application_id__in=revoked)


def households_on(code: str, month: date) -> list[dict]:
    """Households, persons (members living together) and monthly amounts on assistance in
    ``month``, by child, type and registration."""
    return list(
        _on_assistance(code, month)
        .annotate(key=child_key(code, "division_code"))
        .values("key", "assistance_type", "hukou_type")
        .annotate(households=Count("pk"), persons=Sum("persons"), amount=Sum("monthly_amount"))
        .order_by()
    )


def decisions_in(code: str, month: date) -> list[dict]:
    """Approvals and refusals decided in ``month``, by child."""
    return list(
        DecisionFact.objects.filter(
            area_q(code, "division_code"),
            decided_at__gte=month_start(month),
            decided_at__lt=month_start(_next_month(month)),
        )
        .annotate(key=child_key(code, "division_code"))
        .values("key")
        .annotate(
            approvals=Count("pk", filter=Q(approved=True)),
            refusals=Count("pk", filter=Q(approved=False)),
        )
        .order_by()
    )


def stops_in(code: str, month: date) -> list[dict]:
    """Households stopped in ``month`` (pre-payroll: approvals revoked on objection)."""
    return list(
        Objection.objects.filter(
            area_q(code, "application__division_id"),
            application__decision__approved=True,
            review_case__tasks__step="conclude",
            review_case__tasks__outcome="revoked",
            review_case__tasks__completed_at__gte=month_start(month),
            review_case__tasks__completed_at__lt=month_start(_next_month(month)),
        )
        .annotate(key=child_key(code, "application__division_id"))
        .values("key")
        .annotate(stops=Count("application_id", distinct=True))
        .order_by()
    )


def _standards(division_code: str, on: date) -> tuple[Decimal | None, Decimal | None]:
    try:
        row = parameter_set_in_force(division_code, on)
    except ParametersNotFound:
        return None, None
    return row.dibao_standard_urban, row.dibao_standard_rural


def _mean(values: list[Decimal | None]) -> Decimal | None:
    known = [v for v in values if v is not None]
    return (sum(known, Decimal(0)) / len(known)).quantize(CENT, ROUND_HALF_UP) if known else None


def monthly_statistics(code: str, month: date) -> MonthlyStatistics:
    """The indicators of every child of ``code`` and of the whole area for ``month``."""
    n = child_length(code)
    children = [(c.code, c.name) for c in children_of(code)]
    rows = {full[:n]: StatsRow(full, name) for full, name in children}

    def row_of(key: str) -> StatsRow:
        if key not in rows:  # a case under a code missing from the tree
            rows[key] = StatsRow(key_to_code(key), key_to_code(key))
        return rows[key]

    facts_sync()
    paid = paid_from_rolls(code, month, month)
    if paid:  # the area issues its rolls: what was paid, and dynamic management's stops

        def key(field: str):
            return child_key(code, field)

        on_rows, stop_rows = (
            paid_households_by_child(code, month, key),
            stops_by_child(code, month, key),
        )
    else:
        on_rows, stop_rows = households_on(code, month), stops_in(code, month)
    for r in on_rows:
        tally = row_of(r["key"]).tally(r["assistance_type"], r["hukou_type"])
        tally.households += r["households"]
        tally.persons += r["persons"] or 0
        tally.amount += r["amount"] or Decimal(0)
    for r in decisions_in(code, month):
        row = row_of(r["key"])
        row.approvals, row.refusals = r["approvals"], r["refusals"]
    for r in stop_rows:
        row_of(r["key"]).stops = r["stops"]
    last_day = _next_month(month) - timedelta(days=1)
    ordered = [rows[k] for k in sorted(rows)]
    for row in ordered:  # one small query per child division (tens), never per case
        row.standard_urban, row.standard_rural = _standards(row.code, last_day)
    area = Division.objects.filter(pk=code).values_list("name", flat=True).first() or code
    total = StatsRow(code, area)
    for row in ordered:
        for group, tally in row.on.items():
            into = total.on[group]
            into.households += tally.households
            into.persons += tally.persons
            into.amount += tally.amount
        total.approvals += row.approvals
        total.refusals += row.refusals
        total.stops += row.stops
    total.standard_urban = _mean([r.standard_urban for r in ordered])
    total.standard_rural = _mean([r.standard_rural for r in ordered])
    return MonthlyStatistics(code, area, month, [*ordered, total], paid=paid)
