"""What an evaluation returns: each rule's result and the household's outcome. Split
from ``engine`` so that ``explain`` can read them without importing the engine (which
calls ``explain``): the rules package stays acyclic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise

from .params import Params, Tier

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RuleResult:
    """One rule: whether it passed, the values compared and the parameter set used."""

    code: str
    label: str | Promise
    passed: bool
    values: dict[str, str]
    parameter: str


@dataclass(frozen=True)
class Evaluation:
    """The outcome for one household at one date, with every rule that led to it."""

    on: date
    params: Params
    hukou_type: str
    members: int  # counted members
    standard: Decimal  # 低保 standard applied, per person per month
    counted_income: Decimal  # household, per month
    per_capita_income: Decimal
    rules: tuple[RuleResult, ...]
    dibao_eligible: bool
    dibao_amount: Decimal
    tekun_eligible: bool
    tekun_amount: Decimal
    low_income_eligible: bool
    proposed_type: str | None  # choices.AssistanceType value, or None
    proposed_amount: Decimal
    care_levels: tuple[str, ...] = ()  # per counted member: persons.care_level
    alone_members: tuple[int, ...] = ()  # indexes of members who may apply alone
    dibao_computed: Decimal = ZERO  # 补差 or tier amount before rounding / minimum
    tekun_computed: Decimal = ZERO  # before rounding
    hardship_tier: str = ""  # the tier code the household was assigned ("" = none)
    tier: Tier | None = None  # that tier in ``params`` (None: 补差 applies)

    @property
    def tiers_available(self) -> bool:
        return bool(self.params.tiers)

    def rule(self, code: str) -> RuleResult:
        return next(r for r in self.rules if r.code == code)
