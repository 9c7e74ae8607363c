"""低保, 特困 and 低收入 (低保边缘) rules as pure functions of a household's facts at a date
and the parameter set in force (policy.md §1.2–1.5, §2, §3). No database.

Every result lists each rule with pass/fail, the numbers compared (as strings) and the
reference of the parameter set used, so a caseworker and the applicant see why. Money is
Decimal yuan quantized to 0.01 with ROUND_HALF_UP. Comparisons are made on household totals
(income < standard × members), which is the per-capita test without the rounding of a
per-capita division; per-capita figures are shown for reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.people import age_on

from .explain import sentences_zh
from .facts import HouseholdFacts, MemberFacts
from .params import Params, Tier

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# [TK2021 Art.5]: disability kinds and the grades (1 = most severe) that mean no work ability
TEKUN_DISABILITY_MAX_GRADE = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}


def money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
    hardship_tier: str = ""  # the tier code the household was assigned ("" = none)
    tier: Tier | None = None  # that tier in ``params`` (None: 补差 applies)

    @property
    def tiers_available(self) -> bool:
        return bool(self.params.tiers)

    def rule(self, code: str) -> RuleResult:
        return next(r for r in self.rules if r.code == code)


def counted_members(facts: HouseholdFacts) -> tuple[MemberFacts, ...]:
    """Members living together count in size and income; one living apart does not
    [A2021 Art.7]."""
    return tuple(m for m in facts.members if not m.living_apart)


def member_income(member: MemberFacts, params: Params) -> Decimal:
    """A member's counted monthly income: exempt categories left out [A2021 Art.13], the
    employment-cost deduction taken once if the member has wages, never below zero."""
    total = sum(
        (
            amount
            for category, amount in member.incomes.items()
            if category not in params.exempt_income
        ),
        ZERO,
    )
    if member.incomes.get("wages", ZERO) > 0:
        total -= params.employment_cost_deduction
    return money(max(total, ZERO))


def counted_income(facts: HouseholdFacts, params: Params) -> Decimal:
    """The household's counted monthly income (members living apart excluded)."""
    return money(sum((member_income(m, params) for m in counted_members(facts)), ZERO))


def student_past_minor_age(member: MemberFacts, params: Params, on: date) -> bool:
    """A student aged ``minor_age`` or more: 特困 minors keep support beyond 18 while in
    compulsory education, 普通高中 or 中职 [TK2021 Art.24 note; YJ2020 item 5]."""
    return member.student and age_on(member.birth_date, on) >= params.minor_age


def unable_to_work(member: MemberFacts, params: Params, on: date) -> bool:
    """无劳动能力 [TK2021 Art.5; YJ2020 item 5]: elderly, minor, a student past the minor
    age (see ``student_past_minor_age``), the listed disability grades, or assessed as
    unable to work."""
    age = age_on(member.birth_date, on)
    if age >= params.elderly_age or age < params.minor_age or member.student:
        return True
    max_grade = TEKUN_DISABILITY_MAX_GRADE.get(member.disability_kind)
    grade = member.disability_grade
    if max_grade is not None and grade is not None and 1 <= grade <= max_grade:
        return True
    return member.work_ability == "none"


def care_standard(member: MemberFacts, params: Params) -> Decimal:
    """特困 care standard by self-care level [TK2021 Art.21–22]. The facts carry no
    self-care assessment, so work ability stands in for it: unable to work → 完全丧失
    (care_none), partly → 部分丧失 (care_partial), otherwise self-caring (care_full)."""
    if member.work_ability == "none":
        return money(params.tekun_care_none)
    if member.work_ability == "partial":
        return money(params.tekun_care_partial)
    return money(params.tekun_care_full)


def tier_of(facts: HouseholdFacts, params: Params) -> Tier | None:
    """The 分档 tier the household was assigned, if the parameter set has it [A2021 Art.23];
    None when no tier was chosen or the set in force has no tier of that code."""
    if not facts.hardship_tier:
        return None
    return next((t for t in params.tiers if t.code == facts.hardship_tier), None)


def evaluate(facts: HouseholdFacts, params: Params, on: date) -> Evaluation:
    """Every rule for one household at ``on`` under ``params`` (the caller picks the
    parameter set in force at that date)."""
    ref = params.reference()
    counted = counted_members(facts)
    n = len(counted)
    standard = money(params.standard(facts.hukou_type))
    income = counted_income(facts, params)
    per_capita = money(income / n) if n else ZERO
    standard_total = money(standard * n)
    rules: list[RuleResult] = []

    def rule(code: str, label: str | Promise, passed: bool, **values: object) -> bool:
        rules.append(RuleResult(code, label, passed, {k: str(v) for k, v in values.items()}, ref))
        return passed

    has_members = rule(
        "household_size",
        _("Household members counted"),
        n > 0,
        members=n,
        living_apart=len(facts.members) - n,
    )
    income_ok = rule(
        "dibao_income",
        _("Per-capita income below the minimum living standard"),
        n > 0 and income < standard_total,
        per_capita_income=per_capita,
        standard=standard,
        household_income=income,
        standard_total=standard_total,
    )
    deposit_limit = money(params.deposit_months * standard * n)
    deposits_ok = rule(
        "deposits",
        _("Financial assets within the limit"),
        money(facts.deposits) <= deposit_limit,
        deposits=money(facts.deposits),
        per_capita_deposits=money(facts.deposits / n) if n else money(facts.deposits),
        per_capita_limit=money(params.deposit_months * standard),
        deposit_months=params.deposit_months,
        limit=deposit_limit,
    )
    counted_vehicles = [v for v in facts.vehicles if v not in params.exempt_vehicles]
    vehicles_ok = rule(
        "vehicles",
        _("No motor vehicle that counts as an asset"),
        not counted_vehicles,
        vehicles=len(facts.vehicles),
        counted_vehicles=len(counted_vehicles),
    )
    homes_ok = rule(
        "homes",
        _("Number of homes within the limit"),
        facts.homes <= params.max_homes,
        homes=facts.homes,
        max_homes=params.max_homes,
    )
    market_ok = rule(
        "market_entities",
        _("No market-entity registration"),
        facts.market_entities == 0 or params.allow_market_entity,
        market_entities=facts.market_entities,
        allowed="yes" if params.allow_market_entity else "no",
    )
    assets_ok = deposits_ok and vehicles_ok and homes_ok and market_ok
    dibao_eligible = has_members and income_ok and assets_ok
    # 分档 [A2021 Art.23]: the tier's amount per person (in fen) × members, else 补差
    tier = tier_of(facts, params)
    if not dibao_eligible:
        dibao_amount = ZERO
    elif tier is not None:
        dibao_amount = money(money(tier.amount_per_person) * n)
    else:
        dibao_amount = money(standard_total - income)

    unable = [m for m in counted if unable_to_work(m, params, on)]
    no_work = rule(
        "tekun_no_work_ability",
        _("Every member unable to work"),
        has_members and len(unable) == n,
        members=n,
        unable_to_work=len(unable),
        students=sum(1 for m in counted if student_past_minor_age(m, params, on)),
        ages=", ".join(str(age_on(m.birth_date, on)) for m in counted),
        elderly_age=params.elderly_age,
        minor_age=params.minor_age,
    )
    no_living = rule(
        "tekun_no_living_source",
        _("No source of living"),
        has_members and income_ok and assets_ok,
        per_capita_income=per_capita,
        standard=standard,
        assets_within_limits="yes" if assets_ok else "no",
    )
    no_supporter = rule(
        "tekun_no_supporter",
        _("No supporter able to provide support"),
        not facts.has_able_supporter,
        able_supporter="yes" if facts.has_able_supporter else "no",
    )
    tekun_eligible = no_work and no_living and no_supporter
    basic = money(params.tekun_factor * standard)
    tekun_amount = (
        money(sum((basic + care_standard(m, params) for m in counted), ZERO))
        if tekun_eligible
        else ZERO
    )

    threshold = money(params.low_income_factor * standard)
    band_ok = rule(
        "low_income",
        _("Per-capita income below the low-income threshold"),
        n > 0 and income < money(threshold * n),
        per_capita_income=per_capita,
        threshold=threshold,
        factor=params.low_income_factor,
        household_income=income,
        threshold_total=money(threshold * n),
    )
    low_income_eligible = has_members and not dibao_eligible and band_ok and assets_ok

    proposed_type: str | None
    if tekun_eligible:
        proposed_type, proposed_amount = "tekun", tekun_amount
    elif dibao_eligible:
        proposed_type, proposed_amount = "dibao", dibao_amount
    elif low_income_eligible:
        proposed_type, proposed_amount = "low_income", ZERO
    else:
        proposed_type, proposed_amount = None, ZERO

    return Evaluation(
        on=on,
        params=params,
        hukou_type=facts.hukou_type,
        members=n,
        standard=standard,
        counted_income=income,
        per_capita_income=per_capita,
        rules=tuple(rules),
        dibao_eligible=dibao_eligible,
        dibao_amount=dibao_amount,
        tekun_eligible=tekun_eligible,
        tekun_amount=tekun_amount,
        low_income_eligible=low_income_eligible,
        proposed_type=proposed_type,
        proposed_amount=proposed_amount,
        hardship_tier=facts.hardship_tier,
        tier=tier,
    )


def explain_zh(evaluation: Evaluation, *, mark_placeholder: bool = True) -> list[str]:
    """Plain-Chinese sentences of the reasons, for notices and the self-check page;
    ``mark_placeholder=False`` for what citizens read (example values are marked to staff)."""
    return sentences_zh(evaluation, mark_placeholder=mark_placeholder)
