"""A household's facts at a date, as plain frozen data the rules read (no database).

``assistance.application_facts`` reads them from a stored application (so the rules never
import the models); the public self-check builds them from a form; the batch builds the
same shape column-wise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MemberFacts:
    """One member of the household as the rules see them."""

    birth_date: date
    disability_kind: str = ""  # choices.DisabilityKind ("" = none)
    disability_grade: int | None = None  # 1 (most severe) … 4
    work_ability: str = "full"  # choices.WorkAbility
    student: bool = False  # in compulsory education, 普通高中 or 中职 (not university)
    tekun_as_minor: bool = False  # supported as a 特困 minor [TK2021 Art.24 note]
    living_apart: bool = False  # not counted in size or income [A2021 Art.7]
    serious_illness: bool = False
    incomes: dict[str, Decimal] = field(default_factory=dict)  # IncomeCategory → monthly
    # seasonal or irregular income: IncomeCategory → total over the look-back period
    period_incomes: dict[str, Decimal] = field(default_factory=dict)
    # further disability certificates (kind, grade) besides the one above [A2021 Art.8]
    disabilities: tuple[tuple[str, int], ...] = ()
    # items of the six-item self-care assessment failed, None = not assessed [TK2021 Art.21]
    self_care_failed: int | None = None


@dataclass(frozen=True)
class SupporterFacts:
    """A legal supporter (赡养/抚养/扶养义务人) as TK2021 Art.8 reads them."""

    birth_date: date
    is_tekun: bool = False
    dibao_recipient: bool = False
    annual_income: Decimal = ZERO  # the supporter's own income over the last year
    deposits: Decimal = ZERO
    homes: int = 0
    vehicles: tuple[str, ...] = ()  # choices.VehicleKind, one entry per vehicle
    market_entities: int = 0
    disability_kind: str = ""
    disability_grade: int | None = None
    disabilities: tuple[tuple[str, int], ...] = ()
    incapacitated: bool = False  # 无民事行为能力或限制民事行为能力
    missing: bool = False  # 失踪
    imprisoned: bool = False  # 在监狱服刑


@dataclass(frozen=True)
class HouseholdFacts:
    """The household: registration, members and assets (policy.md §1.1–1.3)."""

    hukou_type: str  # choices.HukouType
    members: tuple[MemberFacts, ...]
    deposits: Decimal = ZERO  # financial assets in total (deposits, securities, …)
    vehicles: tuple[str, ...] = ()  # choices.VehicleKind, one entry per vehicle
    homes: int = 0
    market_entities: int = 0
    supporters: tuple[SupporterFacts, ...] = ()  # 特困: legal supporters [TK2021 Art.8]
    # the caseworker's finding, overriding the computed test (None = no finding recorded)
    has_able_supporter: bool | None = None
    hardship_tier: str = ""  # 分档: code of a Params tier chosen by the caseworker, "" = none
