"""The seed's indicators for a period and a division (seed §3; medins-params.md last section).

Settlement figures come from ``DailyTotal`` (kept exact in the settlement transaction; city
level), so the page sums at most a few rows per day and city pair instead of millions of
settlements. ``recount`` rebuilds the same figures from the settlements themselves; a test
and the benchmark check that both agree.

Two directions, both away from the insured city (local care is excluded):
- *outbound*: insured in the division, treated elsewhere;
- *inbound*: treated in the division, insured elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Substr

from yimen.regions.codes import Level, level_of, normalize_code, prefix_of

from .models import DailyTotal, Filing, Institution, Settlement, SettlementStatus
from .models.filing import FilingStatus


@dataclass
class Flow:
    count: int = 0
    medfee_fen: int = 0
    fund_fen: int = 0
    cross_count: int = 0
    cross_medfee_fen: int = 0
    cross_fund_fen: int = 0
    emergency_count: int = 0
    emergency_medfee_fen: int = 0
    emergency_fund_fen: int = 0
    in_province_emergency_count: int = 0
    in_province_emergency_fund_fen: int = 0


@dataclass
class Indicators:
    division_code: str
    start: date
    end: date
    institutions_cross_province: int = 0
    persons_filed: int = 0
    persons_filed_out_of_province: int = 0
    outbound: Flow = field(default_factory=Flow)
    inbound: Flow = field(default_factory=Flow)
    daily: list[dict[str, Any]] = field(default_factory=list)


def city_prefix(division_code: str) -> str:
    """The prefix figures are kept at: the division's own for a province or city, else its
    city (daily totals are kept per city)."""
    code = normalize_code(division_code)
    if level_of(code) <= Level.CITY:
        return prefix_of(code)
    return code[:4]


def _add(flow: Flow, row: dict[str, Any]) -> None:
    n, medfee, fund = row["n"] or 0, row["medfee"] or 0, row["fund"] or 0
    flow.count += n
    flow.medfee_fen += medfee
    flow.fund_fen += fund
    if row["cross_province"]:
        flow.cross_count += n
        flow.cross_medfee_fen += medfee
        flow.cross_fund_fen += fund
    if row["emergency"]:
        flow.emergency_count += n
        flow.emergency_medfee_fen += medfee
        flow.emergency_fund_fen += fund
        if not row["cross_province"]:
            flow.in_province_emergency_count += n
            flow.in_province_emergency_fund_fen += fund


def _flows(rows, prefix: str, result: Indicators, per_day: dict) -> None:
    for row in rows:
        outbound = row["insured_division_code"].startswith(prefix)
        inbound = row["treatment_division_code"].startswith(prefix)
        if outbound:
            _add(result.outbound, row)
        if inbound:
            _add(result.inbound, row)
        if row.get("day"):
            slot = per_day.setdefault(row["day"], {"out": 0, "in": 0, "medfee": 0, "fund": 0})
            slot["out"] += row["n"] if outbound else 0
            slot["in"] += row["n"] if inbound else 0
            slot["medfee"] += row["medfee"]
            slot["fund"] += row["fund"]


def indicators(division_code: str, start: date, end: date) -> Indicators:
    """Every figure of the seed's list for ``division_code`` between ``start`` and ``end``."""
    prefix = city_prefix(division_code)
    result = Indicators(division_code, start, end)
    result.institutions_cross_province = Institution.objects.filter(
        division__code__startswith=prefix, cross_province=True, active=True
    ).count()
    filed = Filing.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start),
        person__insured_division__code__startswith=prefix,
        begin_date__lte=end,
    ).exclude(status=FilingStatus.CANCELLED, cancelled_at__date__lt=start)
    result.persons_filed = filed.values("person_id").distinct().count()
    result.persons_filed_out_of_province = (
        filed.exclude(destination__code__startswith=prefix[:2])
        .values("person_id")
        .distinct()
        .count()
    )
    # grouped in the database by day, direction and flags: at most 8 rows per day reach Python
    outbound_q = Q(insured_division_code__startswith=prefix)
    inbound_q = Q(treatment_division_code__startswith=prefix)
    rows = (
        DailyTotal.objects.filter(day__gte=start, day__lte=end)
        .filter(outbound_q | inbound_q)
        .exclude(insured_division_code=F("treatment_division_code"))
        .annotate(
            out=Case(When(outbound_q, then=Value(prefix)), default=Value("")),
            inn=Case(When(inbound_q, then=Value(prefix)), default=Value("")),
        )
        .values("day", "out", "inn", "cross_province", "emergency")
        .annotate(n=Sum("count"), medfee=Sum("medfee_fen"), fund=Sum("fund_fen"))
    )
    rows = [
        {**r, "insured_division_code": r["out"] or "-", "treatment_division_code": r["inn"] or "-"}
        for r in rows
    ]
    per_day: dict[date, dict[str, int]] = {}
    _flows(rows, prefix, result, per_day)
    result.daily = [{"day": d.isoformat(), **v} for d, v in sorted(per_day.items())]
    return result


def recount(division_code: str, start: date, end: date) -> tuple[Flow, Flow]:
    """The outbound and inbound flows counted from the settlements themselves."""
    prefix = city_prefix(division_code)
    rows = (
        Settlement.objects.filter(status=SettlementStatus.SETTLED, day__gte=start, day__lte=end)
        .filter(
            Q(insured_division_code__startswith=prefix)
            | Q(treatment_division_code__startswith=prefix)
        )
        .annotate(
            ic=Substr("insured_division_code", 1, 4), tc=Substr("treatment_division_code", 1, 4)
        )
        .exclude(ic=F("tc"))
        .values("ic", "tc", "cross_province", "emergency")
        .annotate(n=Count("pk"), medfee=Sum("medfee_sumamt"), fund=Sum("fund_pay_sumamt"))
    )
    result = Indicators(division_code, start, end)
    shaped = [
        {**r, "insured_division_code": r["ic"], "treatment_division_code": r["tc"]} for r in rows
    ]
    _flows(shaped, prefix, result, {})
    return result.outbound, result.inbound
