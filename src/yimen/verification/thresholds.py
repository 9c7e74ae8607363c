"""The dated, per-division thresholds above which a verification difference disputes a case.

policy.md §4 names no threshold (NOT FOUND for Jilin), so the default below is local
practice, shown with its source wherever it is used; administrators set real values per
division and date (VerificationThreshold, nearest division up the tree wins)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from yimen.regions.dated import nearest_row, nearest_rows

from .models import VerificationThreshold


@dataclass(frozen=True)
class Thresholds:
    assets_yuan: Decimal  # undeclared deposits or securities above this dispute the case
    income_monthly_yuan: Decimal  # undeclared monthly wages or pension above this
    units: int  # undeclared cars, homes or market entities above this
    source: str


DEFAULT = Thresholds(
    Decimal("1000.00"),
    Decimal("100.00"),
    0,
    "default: local practice (policy.md §4 names no threshold): any undeclared car, home or "
    "market entity; more than 1,000 yuan of assets or 100 yuan a month of income",
)


def _of(row: VerificationThreshold | None) -> Thresholds:
    if row is None:
        return DEFAULT
    return Thresholds(row.assets_yuan, row.income_monthly_yuan, row.units, row.source)


def thresholds_for(division_code: str, on: date) -> Thresholds:
    return _of(nearest_row(VerificationThreshold, division_code, on))


def thresholds_by_division(codes: Iterable[str], on: date) -> dict[str, Thresholds]:
    """Thresholds of each division, as ``thresholds_for`` finds them, for all the divisions
    at once (one query, not one per division)."""
    return {code: _of(row) for code, row in nearest_rows(VerificationThreshold, codes, on).items()}
