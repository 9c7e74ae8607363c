"""The parameters the rules read, as plain data (no database): one set per division and
validity period. `assistance.parameters` loads them from the dated table; tests and the
public self-check build them directly.

Values policy.md marks NOT FOUND (Changchun's 低保 standard, asset limits, 特困 amounts)
are shipped as clearly labelled placeholders (``placeholder=True``), never silent
constants: every result names the parameter set, its division, dates and source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

#: [A2021 Art.13]: counted income excludes these categories (choices.IncomeCategory x_*)
DEFAULT_EXEMPT_INCOME = frozenset(
    {
        "x_preferential",
        "x_family_planning",
        "x_scholarship",
        "x_heroism",
        "x_assistance",
        "x_basic_pension",
    }
)
#: vehicles that do not count as assets (choices.VehicleKind; policy.md §1.3)
DEFAULT_EXEMPT_VEHICLES = frozenset({"disabled_carriage", "motorcycle", "ebike", "farm"})


@dataclass(frozen=True)
class Tier:
    """An optional 分档 amount per person per month, for households of a hardship class."""

    code: str
    label: str
    amount_per_person: Decimal


@dataclass(frozen=True)
class Params:
    """Every number a rule compares against, with where it came from."""

    division_code: str
    valid_from: date
    valid_to: date | None
    source: str
    placeholder: bool  # True while the value is a labelled default, not a published one
    dibao_standard_urban: Decimal  # 低保标准, yuan per person per month
    dibao_standard_rural: Decimal
    deposit_months: int  # per-capita financial assets ≤ months × the standard
    max_homes: int  # at most this many homes
    allow_market_entity: bool  # a market-entity registration is allowed
    tekun_factor: Decimal = Decimal("1.3")  # 特困 basic living = factor × 低保 standard
    tekun_care_full: Decimal = Decimal("0")  # care standard, fully self-caring, per month
    tekun_care_partial: Decimal = Decimal("0")  # partly unable to care for oneself
    tekun_care_none: Decimal = Decimal("0")  # wholly unable to care for oneself
    low_income_factor: Decimal = Decimal("1.5")  # 低保边缘: income < factor × standard
    employment_cost_deduction: Decimal = Decimal("0")  # per member with wages, per month
    elderly_age: int = 60  # 特困: no work ability at this age [TK2021 Art.5]
    minor_age: int = 18  # 特困: minors to 18 [YJ2020 item 5]
    exempt_income: frozenset[str] = field(default=DEFAULT_EXEMPT_INCOME)
    exempt_vehicles: frozenset[str] = field(default=DEFAULT_EXEMPT_VEHICLES)
    tiers: tuple[Tier, ...] = ()

    def standard(self, hukou_type: str) -> Decimal:
        return self.dibao_standard_rural if hukou_type == "rural" else self.dibao_standard_urban

    def reference(self) -> str:
        """How results cite this parameter set."""
        until = f"–{self.valid_to:%Y-%m-%d}" if self.valid_to else "–"
        label = " (placeholder)" if self.placeholder else ""
        return f"{self.division_code} {self.valid_from:%Y-%m-%d}{until}{label}: {self.source}"
