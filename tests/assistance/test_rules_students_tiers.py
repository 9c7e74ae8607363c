"""特困 students past 18 [TK2021 Art.24 note; YJ2020 item 5] and 低保 分档 [A2021 Art.23]
at their edges, as tables (test_rules_vectorised runs the same rows through the batch)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tests.assistance.test_rules import ON, PARAMS, earner, household, member
from yimen.assistance.rules.engine import evaluate, explain_zh, unable_to_work
from yimen.assistance.rules.params import Tier

D = Decimal
# ON is 2026-11-15: born 2008-11-15 is 18 today, 2008-11-16 is still 17, 2007-11-15 is 19
AGE_17 = date(2008, 11, 16)
AGE_18 = date(2008, 11, 15)
AGE_19 = date(2007, 11, 15)
TIERS = (
    Tier("1", "一类", D("220.00")),
    Tier("2", "二类", D("190.00")),
    Tier("3", "三类", D("160.00")),
)
TIERED = replace(PARAMS, tiers=TIERS)


# --- students past the minor age --------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "student", "minor", "unable"),
    [
        (AGE_17, False, False, True),  # a minor whatever the schooling
        (AGE_17, True, False, True),
        (AGE_18, False, True, False),  # 18 today: able to work unless still at school
        (AGE_18, True, True, True),  # the 18th birthday: a 特困 minor still at school
        (AGE_18, True, False, False),  # a student never supported as a 特困 minor
        (AGE_19, False, True, False),
        (AGE_19, True, True, True),  # still at 普通高中 / 中职 at 19
        (AGE_19, True, False, False),
        (date(1986, 1, 1), True, False, False),  # a 40-year-old "student" (issue 21, item 3)
    ],
)
def test_student_past_the_minor_age_is_unable_to_work(birth, student, minor, unable):
    facts = household(member(birth, student=student, tekun_as_minor=minor))
    assert unable_to_work(facts.members[0], PARAMS, ON) is unable
    ev = evaluate(facts, PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").passed is unable
    assert ev.tekun_eligible is unable  # no income, no assets, no supporter
    assert ev.proposed_type == ("tekun" if unable else "dibao")


def test_student_sentence_and_count_in_the_explanation():
    facts = household(member(AGE_19, student=True, tekun_as_minor=True), member(AGE_17))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").values["students"] == "1"
    text = "".join(explain_zh(ev))
    assert "1 名成员年满 18 周岁但仍在接受义务教育或在普通高中、中等职业学校就读" in text


def test_student_does_not_lift_the_other_tekun_conditions():
    with_supporter = household(
        member(AGE_19, student=True, tekun_as_minor=True), has_able_supporter=True
    )
    ev = evaluate(with_supporter, PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").passed
    assert not ev.tekun_eligible and not ev.rule("tekun_no_supporter").passed


# --- 分档 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "tier", "income", "amount", "used"),
    [
        (PARAMS, "", "300.00", "1100.00", None),  # no tiers in the set: 补差 700 × 2 − 300
        (PARAMS, "1", "300.00", "1100.00", None),  # a tier the set lacks: 补差
        (TIERED, "", "300.00", "1100.00", None),  # tiers exist, none chosen: 补差
        (TIERED, "1", "300.00", "440.00", "1"),  # 220 × 2
        (TIERED, "3", "300.00", "320.00", "3"),  # 160 × 2
        (TIERED, "9", "300.00", "1100.00", None),  # unknown code: 补差
        (TIERED, "2", "1399.99", "380.00", "2"),  # one fen below the standard: still 190 × 2
        (TIERED, "2", "1400.00", "0.00", "2"),  # not eligible: no amount, tier or not
    ],
)
def test_tier_amount_replaces_the_difference(params, tier, income, amount, used):
    facts = household(earner(income), member(), hardship_tier=tier)
    ev = evaluate(facts, params, ON)
    assert ev.dibao_amount == D(amount)
    assert (ev.tier.code if ev.tier else None) == used
    if ev.dibao_eligible:
        assert ev.proposed_type == "dibao" and ev.proposed_amount == D(amount)


def test_tier_counts_only_members_living_together():
    facts = household(member(), member(), member(living_apart=True), hardship_tier="2")
    assert evaluate(facts, TIERED, ON).dibao_amount == D("380.00")


def test_tekun_is_not_tiered():
    facts = household(member(date(1950, 1, 1)), hardship_tier="1")
    ev = evaluate(facts, TIERED, ON)
    assert ev.proposed_type == "tekun" and ev.proposed_amount == D("1010.00")  # 910 + 100


@pytest.mark.parametrize(
    ("params", "tier", "says"),
    [
        (TIERED, "1", "按分档“一类”每月 440.00 元（每人 220.00 元 × 2 人）"),
        (TIERED, "", "未确定分档，按补差计算"),
        (TIERED, "9", "所定分档“9”不在所用参数的分档中，按补差计算"),
        (PARAMS, "", "每月补差 1,100.00 元（低保标准 700.00 元 × 2 人"),
    ],
)
def test_explanation_names_the_tier_or_the_difference(params, tier, says):
    ev = evaluate(household(earner("300.00"), member(), hardship_tier=tier), params, ON)
    assert says in "".join(explain_zh(ev))
