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
#: [TK2021 Art.6]: 特困 leaves out basic pensions, medical and other social insurance,
#: 优待抚恤金 and 高龄津贴 (its own list, not 低保's)
DEFAULT_TEKUN_EXEMPT_INCOME = frozenset(
    {"x_basic_pension", "social_insurance", "x_preferential", "elderly_allowance"}
)
#: vehicles that do not count as assets (choices.VehicleKind; policy.md §1.3)
DEFAULT_EXEMPT_VEHICLES = frozenset({"disabled_carriage", "motorcycle", "ebike", "farm"})


#: the unit a payment is rounded to, in fen ("fen": not rounded)
PAYMENT_ROUNDING = {"fen": 1, "jiao": 10, "yuan": 100}
ROUNDING_MODES = ("half_up", "up", "down")


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
    tekun_exempt_income: frozenset[str] = field(default=DEFAULT_TEKUN_EXEMPT_INCOME)
    # 特困 asset limits are the city's own [TK2021 Art.7]; 低保边缘 has its own [DSR §2]
    tekun_deposit_months: int = 24
    tekun_max_homes: int = 1
    tekun_allow_market_entity: bool = False
    low_income_deposit_months: int = 24
    low_income_max_homes: int = 1
    low_income_allow_market_entity: bool = False
    # seasonal / irregular income averaged over this many months (NOT FOUND nationally,
    # policy.md §1.2 "规定期限": a local setting)
    income_lookback_months: int = 12
    # last year's local per-capita disposable income, yuan a year: the supporter test of
    # TK2021 Art.8 (NOT FOUND for Changchun: dated configuration; 0 = no supporter
    # qualifies by income until it is set)
    disposable_income_last_year: Decimal = Decimal("0")
    # Payment rounding and minimum [A2021 Art.23 leaves the amount to local rules; a
    # national minimum is NOT FOUND, policy.md §1.5]: dated configuration, default none.
    payment_rounding: str = "fen"  # PAYMENT_ROUNDING: the unit a payment is rounded to
    payment_rounding_mode: str = "half_up"  # ROUNDING_MODES
    payment_minimum: Decimal = Decimal("0")  # 低保, per counted member per month; 0 = none

    def standard(self, hukou_type: str) -> Decimal:
        return self.dibao_standard_rural if hukou_type == "rural" else self.dibao_standard_urban

    def reference(self) -> str:
        """How results cite this parameter set."""
        until = f"–{self.valid_to:%Y-%m-%d}" if self.valid_to else "–"
        label = " (placeholder)" if self.placeholder else ""
        return f"{self.division_code} {self.valid_from:%Y-%m-%d}{until}{label}: {self.source}"
