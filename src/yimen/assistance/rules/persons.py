"""What the rules read of one person: disability certificates (several per person), the
self-care assessment and a legal supporter's ability to support. Pure functions, split
from ``engine`` so that it stays the household's evaluation.

Sources: TK2021 Art.5 (disability grades without work ability), Art.8 (a supporter
unable to support), Art.21–22 (the six self-care items); A2021 Art.8 (who may apply
alone)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from yimen.people import age_on

from .facts import MemberFacts, SupporterFacts
from .params import Params

# [TK2021 Art.5]: disability kinds and the grades (1 = most severe) that mean no work
# ability. 多重残疾 (a "multiple" certificate, or certificates of two kinds or more) counts
# by its most severe grade as 重度 (grade 1–2), as physical disability does: the national
# text leaves other cases to the province (policy.md §2).
TEKUN_DISABILITY_MAX_GRADE = {
    "intellectual": 3,
    "mental": 3,
    "physical": 2,
    "visual": 1,
    "multiple": 2,
}
SEVERE_MAX_GRADE = 2  # 重度残疾: grade 1–2 of any kind [A2021 Art.8; TK2021 Art.8]
GRADE_3_KINDS = ("intellectual", "mental")  # grade 3 of these counts too

#: the six items of the self-care assessment [TK2021 Art.21]
SELF_CARE_ITEMS = ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing")
#: failed items from which self-care is wholly lost [TK2021 Art.22]
SELF_CARE_NONE_FROM = 4

Certificate = tuple[str, int]


def certificates(member: MemberFacts | SupporterFacts) -> tuple[Certificate, ...]:
    """Every disability certificate (kind, grade) the person holds: the first one on the
    member's own fields and any further ones [A2021 Art.8: 多重残疾]."""
    found: list[Certificate] = []
    if member.disability_kind and member.disability_grade:
        found.append((member.disability_kind, member.disability_grade))
    found.extend((k, g) for k, g in member.disabilities if k and g)
    return tuple(found)


def multiple(certs: Iterable[Certificate]) -> Certificate | None:
    """多重残疾 as one certificate of kind "multiple" at the most severe grade, when the
    person holds certificates of two kinds or more; None otherwise."""
    certs = tuple(certs)
    if len({k for k, _ in certs}) < 2:
        return None
    return ("multiple", min(g for _, g in certs))


def disability_unable_to_work(certs: Iterable[Certificate]) -> bool:
    """A certificate (or 多重残疾 at its most severe grade) of a grade TK2021 Art.5 lists."""
    certs = tuple(certs)
    combined = multiple(certs)
    for kind, grade in (*certs, *((combined,) if combined else ())):
        max_grade = TEKUN_DISABILITY_MAX_GRADE.get(kind)
        if max_grade is not None and 1 <= grade <= max_grade:
            return True
    return False


def severely_disabled(certs: Iterable[Certificate]) -> bool:
    """重度残疾 (grade 1–2 of any kind) or grade-3 intellectual/mental disability: may apply
    alone [A2021 Art.8]; the supporter test of TK2021 Art.8 reads the same."""
    return any(1 <= g <= SEVERE_MAX_GRADE or (g == 3 and k in GRADE_3_KINDS) for k, g in certs)


def may_apply_alone(member: MemberFacts) -> bool:
    """A2021 Art.8: severe disability (any certificate, 多重残疾 by its most severe grade)
    or a locally recognised serious illness."""
    return severely_disabled(certificates(member)) or member.serious_illness


def care_level(failed_items: int | None) -> str:
    """[TK2021 Art.22]: none failed → "full" (具备自理能力); one to three → "partial"
    (部分丧失); four or more → "none" (完全丧失); not assessed → "unassessed"."""
    if failed_items is None:
        return "unassessed"
    if failed_items <= 0:
        return "full"
    return "partial" if failed_items < SELF_CARE_NONE_FROM else "none"


def paid_care_level(member: MemberFacts) -> str:
    """The care level the amount follows: the assessment's; a member not yet assessed is
    paid the self-caring amount until assessed (the explanation says so)."""
    level = care_level(member.self_care_failed)
    return "full" if level == "unassessed" else level


# -- the supporter test [TK2021 Art.8] -----------------------------------------------------

SUPPORTER_REASONS = (
    "tekun",  # is 特困
    "dibao_elderly",  # a 低保 recipient aged 60 or more
    "elderly_low_income",  # aged 70 or more, income and assets low
    "disabled_low_income",  # severely disabled, income and assets low
    "incapacitated",  # incapacitated, missing or imprisoned, assets low
    "able",  # none of these: able to support
)
DIBAO_SUPPORTER_AGE = 60
ELDERLY_SUPPORTER_AGE = 70


def supporter_assets_low(s: SupporterFacts, params: Params, standard: Decimal) -> bool:
    """Assets within the low-income rules [TK2021 Art.8; DSR §2], for one person."""
    counted_vehicles = [v for v in s.vehicles if v not in params.exempt_vehicles]
    return (
        s.deposits <= params.low_income_deposit_months * standard
        and not counted_vehicles
        and s.homes <= params.low_income_max_homes
        and (s.market_entities == 0 or params.low_income_allow_market_entity)
    )


def supporter_reason(s: SupporterFacts, params: Params, standard: Decimal, on: date) -> str:
    """Why a legal supporter cannot support (the first reason of TK2021 Art.8 that holds),
    or "able"."""
    age = age_on(s.birth_date, on)
    if s.is_tekun:
        return "tekun"
    if s.dibao_recipient and age >= DIBAO_SUPPORTER_AGE:
        return "dibao_elderly"
    assets_low = supporter_assets_low(s, params, standard)
    income_low = s.annual_income < params.disposable_income_last_year
    if age >= ELDERLY_SUPPORTER_AGE and income_low and assets_low:
        return "elderly_low_income"
    if severely_disabled(certificates(s)) and income_low and assets_low:
        return "disabled_low_income"
    if (s.incapacitated or s.missing or s.imprisoned) and assets_low:
        return "incapacitated"
    return "able"
