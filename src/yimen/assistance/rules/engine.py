"""低保, 特困 and 低收入 (低保边缘) rules as pure functions of a household's facts at a date
and the parameter set in force (policy.md §1.2–1.5, §2, §3). No database.

Every result lists each rule with pass/fail, the numbers compared (as strings) and the
reference of the parameter set used, so a caseworker and the applicant see why. Money is
Decimal yuan quantized to 0.01 with ROUND_HALF_UP. Thresholds are compared exactly, on
household totals: income < members × factor × standard as fractions (``below``), never
against a threshold rounded first — a per-person line rounded half up to the fen would
accept a household sitting exactly on the line. Per-capita figures are shown for reading."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.people import age_on

from .explain import sentences_zh
from .facts import HouseholdFacts, MemberFacts
from .params import PAYMENT_ROUNDING, Params, Tier
from .persons import (
    TEKUN_DISABILITY_MAX_GRADE,
    care_level,
    certificates,
    disability_unable_to_work,
    may_apply_alone,
    paid_care_level,
    supporter_reason,
)
from .results import Evaluation, RuleResult

__all__ = ["TEKUN_DISABILITY_MAX_GRADE", "Evaluation", "RuleResult", "evaluate", "money"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def below(total: Decimal | Fraction, members: int, factor: Decimal, standard: Decimal) -> bool:
    """``total`` < members × factor × standard, exactly (Decimal → Fraction is exact), so a
    household exactly on a line with a factor is never let through by rounding."""
    return Fraction(total) < members * Fraction(factor) * Fraction(standard)


def exact(value: Decimal) -> Decimal:
    """A product shown without rounding it: two places when that is exact, else every
    place it has (977.5245, never rounded to 977.52 beside a test that did not round)."""
    rounded = money(value)
    return rounded if rounded == value else value


_ROUNDING = {"half_up": ROUND_HALF_UP, "up": ROUND_CEILING, "down": ROUND_FLOOR}


def adjust_payment(amount: Decimal, members: int, params: Params, *, minimum: bool) -> Decimal:
    """A proposed payment rounded to the set's unit and mode, then (``minimum``: 低保)
    raised to the set's minimum per member; both dated configuration, default none
    (policy.md §1.5: a national minimum is NOT FOUND). Nothing is paid stays nothing."""
    if amount <= 0:
        return amount
    unit = Decimal(PAYMENT_ROUNDING[params.payment_rounding]) / 100
    result = (amount / unit).quantize(Decimal(1), rounding=_ROUNDING[params.payment_rounding_mode])
    result = money(result * unit)
    if minimum:
        result = max(result, money(params.payment_minimum * members))
    return result


def counted_members(facts: HouseholdFacts) -> tuple[MemberFacts, ...]:
    """Members living together count in size and income; one living apart does not
    [A2021 Art.7]."""
    return tuple(m for m in facts.members if not m.living_apart)


def money_of(value: Fraction) -> Decimal:
    """An exact amount rounded half up to the fen (amounts here are never negative)."""
    fen = math.floor(value * 100 + Fraction(1, 2))
    return Decimal(fen) / 100


def member_income_exact(
    member: MemberFacts, params: Params, exempt: frozenset[str] | None = None
) -> Fraction:
    """A member's counted monthly income, exactly: the categories in ``exempt`` (the 低保
    list by default) left out [A2021 Art.13; 特困: TK2021 Art.6]; seasonal or irregular
    income given as its total over the look-back period averaged over
    ``income_lookback_months``; wages net of the employment-cost deduction, which is
    taken from the wages it belongs to and never from other income (wages 10 less a
    deduction of 50 count 0, not −40)."""
    exempt = params.exempt_income if exempt is None else exempt
    months = params.income_lookback_months

    def part(category: str) -> Fraction:
        if category in exempt:
            return Fraction(0)
        monthly = Fraction(member.incomes.get(category, ZERO))
        return monthly + Fraction(member.period_incomes.get(category, ZERO)) / months

    categories = (set(member.incomes) | set(member.period_incomes)) - {"wages"}
    other = sum((part(c) for c in categories), Fraction(0))
    wages = part("wages")
    if wages > 0:
        wages = max(wages - Fraction(params.employment_cost_deduction), Fraction(0))
    return max(other + wages, Fraction(0))


def member_income(member: MemberFacts, params: Params) -> Decimal:
    """``member_income_exact`` to the fen, for reading."""
    return money_of(member_income_exact(member, params))


def household_income_exact(
    facts: HouseholdFacts, params: Params, exempt: frozenset[str] | None = None
) -> Fraction:
    """The household's counted monthly income (members living apart excluded), exactly."""
    return sum(
        (member_income_exact(m, params, exempt) for m in counted_members(facts)), Fraction(0)
    )


def counted_income(facts: HouseholdFacts, params: Params) -> Decimal:
    """The household's counted monthly income (members living apart excluded), to the fen."""
    return money_of(household_income_exact(facts, params))


def period_total(facts: HouseholdFacts, params: Params) -> Decimal:
    """The counted seasonal or irregular income of the members living together, summed
    over the look-back period (shown with the period in the explanation)."""
    return sum(
        (
            amount
            for m in counted_members(facts)
            for category, amount in m.period_incomes.items()
            if category not in params.exempt_income
        ),
        ZERO,
    )


def assets_within(
    facts: HouseholdFacts,
    params: Params,
    standard: Decimal,
    n: int,
    *,
    deposit_months: int,
    max_homes: int,
    allow_market_entity: bool,
) -> tuple[bool, dict[str, object]]:
    """One set of asset limits (低保, 特困 [TK2021 Art.7] or 低收入 [DSR §2] each have
    their own): deposits ≤ months × standard × members, homes, vehicles, registrations."""
    limit = money(deposit_months * standard * n)
    counted_vehicles = [v for v in facts.vehicles if v not in params.exempt_vehicles]
    passed = (
        money(facts.deposits) <= limit
        and not counted_vehicles
        and facts.homes <= max_homes
        and (facts.market_entities == 0 or allow_market_entity)
    )
    return passed, {
        "deposits": money(facts.deposits),
        "limit": limit,
        "deposit_months": deposit_months,
        "homes": facts.homes,
        "max_homes": max_homes,
        "counted_vehicles": len(counted_vehicles),
        "market_entities": facts.market_entities,
        "allowed": "yes" if allow_market_entity else "no",
    }


def student_past_minor_age(member: MemberFacts, params: Params, on: date) -> bool:
    """A 特困 minor who, aged ``minor_age`` or more, is still in compulsory education,
    普通高中 or 中职 keeps support [TK2021 Art.24 note; YJ2020 item 5]. Only such a
    minor: a student of any age who was never supported as a 特困 minor is not made
    unable to work by being a student."""
    return (
        member.student
        and member.tekun_as_minor
        and age_on(member.birth_date, on) >= params.minor_age
    )


def unable_to_work(member: MemberFacts, params: Params, on: date) -> bool:
    """无劳动能力 [TK2021 Art.5; YJ2020 item 5]: elderly, minor, a student past the minor
    age (see ``student_past_minor_age``), the listed disability grades, or assessed as
    unable to work."""
    age = age_on(member.birth_date, on)
    if age >= params.elderly_age or age < params.minor_age:
        return True
    if student_past_minor_age(member, params, on):
        return True
    if disability_unable_to_work(certificates(member)):  # every certificate, 多重残疾
        return True
    return member.work_ability == "none"


def care_standard(member: MemberFacts, params: Params) -> Decimal:
    """特困 care standard by the self-care assessment [TK2021 Art.21–22], not by work
    ability: 完全丧失 → care_none, 部分丧失 → care_partial, otherwise (and until the
    member is assessed) care_full."""
    level = paid_care_level(member)
    if level == "none":
        return money(params.tekun_care_none)
    if level == "partial":
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
    exact_income = household_income_exact(facts, params)
    income = money_of(exact_income)
    per_capita = money_of(exact_income / n) if n else ZERO
    period = period_total(facts, params)
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
        n > 0 and exact_income < standard_total,
        per_capita_income=per_capita,
        standard=standard,
        household_income=income,
        standard_total=standard_total,
        lookback_months=params.income_lookback_months,
        period_total=money(period),
        period_monthly=money_of(Fraction(period) / params.income_lookback_months),
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
        dibao_computed = ZERO
    elif tier is not None:
        dibao_computed = money(money(tier.amount_per_person) * n)
    else:
        dibao_computed = money_of(Fraction(standard_total) - exact_income)
    dibao_amount = adjust_payment(dibao_computed, n, params, minimum=True)

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
    tekun_assets_ok, tekun_asset_values = assets_within(
        facts,
        params,
        standard,
        n,
        deposit_months=params.tekun_deposit_months,
        max_homes=params.tekun_max_homes,
        allow_market_entity=params.tekun_allow_market_entity,
    )
    rule(
        "tekun_assets",
        _("Assets within the extreme-poverty limits"),
        tekun_assets_ok,
        **tekun_asset_values,
    )
    # 特困 counts income with its own exemptions [TK2021 Art.6]
    tekun_income = household_income_exact(facts, params, params.tekun_exempt_income)
    no_living = rule(
        "tekun_no_living_source",
        _("No source of living"),
        has_members and tekun_income < standard_total and tekun_assets_ok,
        per_capita_income=money_of(tekun_income / n) if n else ZERO,
        household_income=money_of(tekun_income),
        standard=standard,
        assets_within_limits="yes" if tekun_assets_ok else "no",
    )
    # [TK2021 Art.8] computed from each supporter's facts; a caseworker's finding, when
    # recorded (with its reason, audited), decides and is shown beside the computation
    reasons = [supporter_reason(s, params, standard, on) for s in facts.supporters]
    computed_able = "able" in reasons
    finding = facts.has_able_supporter
    able = computed_able if finding is None else finding
    no_supporter = rule(
        "tekun_no_supporter",
        _("No supporter able to provide support"),
        not able,
        able_supporter="yes" if able else "no",
        supporters=len(reasons),
        reasons=",".join(reasons),
        computed="yes" if computed_able else "no",
        finding="" if finding is None else ("yes" if finding else "no"),
        disposable_income=money(params.disposable_income_last_year),
    )
    tekun_eligible = no_work and no_living and no_supporter
    basic = money(params.tekun_factor * standard)
    tekun_computed = (
        money(sum((basic + care_standard(m, params) for m in counted), ZERO))
        if tekun_eligible
        else ZERO
    )
    tekun_amount = adjust_payment(tekun_computed, n, params, minimum=False)

    factor = params.low_income_factor
    band_ok = rule(
        "low_income",
        _("Per-capita income below the low-income threshold"),
        n > 0 and below(exact_income, n, factor, standard),
        per_capita_income=per_capita,
        threshold=money(factor * standard),  # for reading; the test is exact
        factor=factor,
        household_income=income,
        threshold_total=exact(factor * standard * n),
    )
    low_assets_ok, low_asset_values = assets_within(
        facts,
        params,
        standard,
        n,
        deposit_months=params.low_income_deposit_months,
        max_homes=params.low_income_max_homes,
        allow_market_entity=params.low_income_allow_market_entity,
    )
    rule(
        "low_income_assets",
        _("Assets within the low-income limits"),
        low_assets_ok,
        **low_asset_values,
    )
    low_income_eligible = has_members and not dibao_eligible and band_ok and low_assets_ok

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
        dibao_computed=dibao_computed,
        tekun_computed=tekun_computed,
        care_levels=tuple(care_level(m.self_care_failed) for m in counted),
        alone_members=tuple(i for i, m in enumerate(facts.members) if may_apply_alone(m)),
        hardship_tier=facts.hardship_tier,
        tier=tier,
    )


def explain_zh(
    evaluation: Evaluation, *, mark_placeholder: bool = True, scheme: str | None = None
) -> list[str]:
    """Plain-Chinese sentences of the reasons, for notices and the self-check page;
    ``mark_placeholder=False`` for what citizens read (example values are marked to staff);
    ``scheme`` keeps only the rules of that scheme (a notice's grounds)."""
    return sentences_zh(evaluation, mark_placeholder=mark_placeholder, scheme=scheme)
