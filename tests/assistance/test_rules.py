"""The eligibility rules at their edges (policy.md §1.2–1.5, §2, §3): pure functions over
plain facts and a parameter set built here, so each boundary is one table row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from yimen.assistance.rules.engine import (
    counted_income,
    counted_members,
    evaluate,
    explain_zh,
)
from yimen.assistance.rules.explain import PLACEHOLDER_ZH
from yimen.assistance.rules.facts import HouseholdFacts, MemberFacts
from yimen.assistance.rules.params import Params
from yimen.people import age_on

D = Decimal
ON = date(2026, 11, 15)
ADULT = date(1980, 5, 1)  # 46 at ON

PARAMS = Params(
    division_code="220100000000",
    valid_from=date(2020, 11, 1),
    valid_to=None,
    source="test",
    placeholder=True,
    dibao_standard_urban=D("700.00"),
    dibao_standard_rural=D("500.00"),
    deposit_months=24,
    max_homes=1,
    allow_market_entity=False,
    tekun_care_full=D("100.00"),
    tekun_care_partial=D("300.00"),
    tekun_care_none=D("600.00"),
)


def member(birth=ADULT, **kw) -> MemberFacts:
    return MemberFacts(birth_date=birth, **kw)


def earner(amount: str, category: str = "other", **kw) -> MemberFacts:
    return member(incomes={category: D(amount)}, **kw)


def household(*members: MemberFacts, hukou="urban", **kw) -> HouseholdFacts:
    return HouseholdFacts(hukou_type=hukou, members=members or (member(),), **kw)


# --- 低保 income: 补差 only while income < standard × members ---------------------------


@pytest.mark.parametrize(
    ("income", "eligible", "amount"),
    [
        ("699.99", True, "0.01"),  # one fen below the standard
        ("700.00", False, "0.00"),  # exactly at the standard: nothing to make up
        ("700.01", False, "0.00"),  # one fen above
        ("0", True, "700.00"),
    ],
)
def test_dibao_income_at_the_standard(income, eligible, amount):
    ev = evaluate(household(earner(income)), PARAMS, ON)
    assert ev.dibao_eligible is eligible
    assert ev.dibao_amount == D(amount)
    assert ev.rule("dibao_income").passed is eligible
    assert ev.rule("dibao_income").values["standard"] == "700.00"
    assert ev.rule("dibao_income").parameter == PARAMS.reference()


def test_dibao_amount_is_standard_times_members_minus_income():
    ev = evaluate(household(earner("900.00"), member(), member()), PARAMS, ON)
    assert (ev.members, ev.counted_income) == (3, D("900.00"))
    assert ev.dibao_amount == D("1200.00")  # 700 × 3 − 900
    assert ev.proposed_type == "dibao" and ev.proposed_amount == D("1200.00")


def test_rural_standard_applies_to_rural_hukou():
    ev = evaluate(household(earner("600.00"), hukou="rural"), PARAMS, ON)
    assert ev.standard == D("500.00") and not ev.dibao_eligible


@pytest.mark.parametrize(
    ("incomes", "counted"),
    [
        ({"x_assistance": D("5000")}, "0.00"),
        ({"x_basic_pension": D("150"), "transfer": D("100")}, "100.00"),
        ({"x_scholarship": D("300"), "x_preferential": D("300")}, "0.00"),
        ({"wages": D("300"), "business": D("50.50")}, "350.50"),
    ],
)
def test_exempt_incomes_not_counted(incomes, counted):
    facts = household(member(incomes=incomes))
    assert counted_income(facts, PARAMS) == D(counted)


def test_member_living_apart_excluded_from_size_and_income():
    apart = earner("3000.00", living_apart=True)
    facts = household(earner("300.00"), member(), apart)
    assert len(counted_members(facts)) == 2
    ev = evaluate(facts, PARAMS, ON)
    assert (ev.members, ev.counted_income) == (2, D("300.00"))
    assert ev.dibao_amount == D("1100.00")
    assert ev.rule("household_size").values["living_apart"] == "1"


@pytest.mark.parametrize(
    ("incomes", "counted"),
    [
        ({"wages": D("500")}, "300.00"),  # 500 − 200
        ({"wages": D("150")}, "0.00"),  # not below zero
        # the deduction never exceeds the wages it belongs to (issue 21, item 2)
        ({"wages": D("150"), "transfer": D("100")}, "100.00"),
        ({"wages": D("199.99"), "transfer": D("100")}, "100.00"),  # one fen below
        ({"wages": D("200.00"), "transfer": D("100")}, "100.00"),  # at the deduction
        ({"wages": D("200.01"), "transfer": D("100")}, "100.01"),  # one fen above
        ({"wages": D("10"), "other": D("1000")}, "1000.00"),  # not 810
        ({"transfer": D("500")}, "500.00"),  # no wages, no deduction
    ],
)
def test_employment_cost_deduction(incomes, counted):
    params = replace(PARAMS, employment_cost_deduction=D("200.00"))
    assert counted_income(household(member(incomes=incomes)), params) == D(counted)


# --- assets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deposits", "passed"),
    [("50400.00", True), ("50400.01", False), ("0", True)],  # 24 × 700 × 3 = 50 400
)
def test_deposit_limit(deposits, passed):
    facts = household(member(), member(), member(), deposits=D(deposits))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.rule("deposits").passed is passed
    assert ev.rule("deposits").values["limit"] == "50400.00"
    assert ev.dibao_eligible is passed


@pytest.mark.parametrize(
    ("vehicles", "homes", "entities", "allow", "code", "passed"),
    [
        (("car",), 1, 0, False, "vehicles", False),
        (("ebike",), 1, 0, False, "vehicles", True),
        (("motorcycle", "disabled_carriage", "farm"), 1, 0, False, "vehicles", True),
        ((), 1, 0, False, "homes", True),
        ((), 2, 0, False, "homes", False),
        ((), 1, 1, False, "market_entities", False),
        ((), 1, 1, True, "market_entities", True),
    ],
)
def test_asset_rules(vehicles, homes, entities, allow, code, passed):
    params = replace(PARAMS, allow_market_entity=allow)
    facts = household(vehicles=vehicles, homes=homes, market_entities=entities)
    ev = evaluate(facts, params, ON)
    assert ev.rule(code).passed is passed
    assert ev.dibao_eligible is passed
    assert ev.rule(code).parameter == params.reference()


# --- 特困: no work ability, no living source, no able supporter -------------------------


@pytest.mark.parametrize(
    ("birth", "age", "elderly"),
    [
        (date(1966, 11, 16), 59, False),  # the day before the 60th birthday
        (date(1966, 11, 15), 60, True),  # on the birthday one is 60
        (date(1966, 11, 14), 60, True),
    ],
)
def test_sixtieth_birthday(birth, age, elderly):
    assert age_on(birth, ON) == age
    ev = evaluate(household(member(birth)), PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").passed is elderly
    assert ev.tekun_eligible is elderly


@pytest.mark.parametrize(
    ("birth", "unable"),
    [(date(2008, 11, 16), True), (date(2008, 11, 15), False)],  # 17 vs 18 (minor_age 18)
)
def test_minor_age_edge(birth, unable):
    ev = evaluate(household(member(birth)), PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").passed is unable


@pytest.mark.parametrize(
    ("kind", "grade", "unable"),
    [
        ("intellectual", 3, True),
        ("intellectual", 4, False),
        ("mental", 1, True),
        ("mental", 4, False),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
        ("hearing", 1, False),
    ],
)
def test_disability_grade_edges_for_tekun(kind, grade, unable):
    facts = household(member(disability_kind=kind, disability_grade=grade))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.rule("tekun_no_work_ability").passed is unable
    assert ev.tekun_eligible is unable


def test_tekun_amount_basic_plus_care_and_preferred_over_dibao():
    old = date(1950, 1, 1)
    facts = household(member(old, self_care_failed=4), member(old, self_care_failed=3))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.dibao_eligible and ev.tekun_eligible
    # basic 1.3 × 700 = 910 each; care by the self-care assessment: 4 failed 600, 3 failed 300
    assert ev.tekun_amount == D("2720.00")
    assert (ev.proposed_type, ev.proposed_amount) == ("tekun", D("2720.00"))


@pytest.mark.parametrize(
    ("facts", "rule"),
    [
        (household(member(date(1950, 1, 1)), has_able_supporter=True), "tekun_no_supporter"),
        (household(earner("700.00", birth=date(1950, 1, 1))), "tekun_no_living_source"),
        (household(member(date(1950, 1, 1)), vehicles=("car",)), "tekun_no_living_source"),
        (household(member(date(1950, 1, 1)), member()), "tekun_no_work_ability"),
    ],
)
def test_tekun_refused_for_each_missing_condition(facts, rule):
    ev = evaluate(facts, PARAMS, ON)
    assert not ev.tekun_eligible
    assert not ev.rule(rule).passed


def test_work_ability_none_counts_as_unable():
    ev = evaluate(household(member(work_ability="none")), PARAMS, ON)
    assert ev.tekun_eligible


# --- 低保边缘 / low income ------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "low_income", "proposed"),
    [
        ("699.99", False, "dibao"),  # 低保 eligible, so not 边缘
        ("700.00", True, "low_income"),
        ("1049.99", True, "low_income"),  # just below 1.5 × 700 = 1050
        ("1050.00", False, None),  # at 1.5 × the standard
    ],
)
def test_low_income_band(income, low_income, proposed):
    ev = evaluate(household(earner(income)), PARAMS, ON)
    assert ev.low_income_eligible is low_income
    assert ev.proposed_type == proposed
    assert ev.rule("low_income").values["threshold"] == "1050.00"


def test_low_income_needs_assets_within_limits():
    ev = evaluate(household(earner("800.00"), homes=2), PARAMS, ON)
    assert ev.rule("low_income").passed and not ev.low_income_eligible


# --- a parameter changing in mid-month: the caller picks the set in force ------------------


def test_same_facts_under_two_parameter_sets():
    before = replace(PARAMS, valid_to=date(2026, 11, 15))
    after = replace(
        PARAMS, valid_from=date(2026, 11, 16), dibao_standard_urban=D("750.00"), source="new"
    )
    facts = household(earner("300.00"), member())
    ev_before = evaluate(facts, before, date(2026, 11, 15))
    ev_after = evaluate(facts, after, date(2026, 11, 16))
    assert ev_before.dibao_amount == D("1100.00")
    assert ev_after.dibao_amount == D("1200.00")
    assert ev_before.rule("dibao_income").parameter == before.reference()
    assert ev_after.rule("dibao_income").parameter == after.reference()
    assert "2026-11-16" in ev_after.rule("dibao_income").parameter


def test_every_rule_carries_values_and_the_parameter_reference():
    ev = evaluate(household(earner("420.00")), PARAMS, ON)
    assert {r.code for r in ev.rules} == {
        "household_size",
        "dibao_income",
        "deposits",
        "vehicles",
        "homes",
        "market_entities",
        "tekun_no_work_ability",
        "tekun_assets",
        "tekun_no_living_source",
        "tekun_no_supporter",
        "low_income",
        "low_income_assets",
    }
    for r in ev.rules:
        assert r.values and all(isinstance(v, str) for v in r.values.values())
        assert r.parameter == PARAMS.reference()


def test_explain_zh_quotes_the_figures_and_the_parameter():
    lines = explain_zh(evaluate(household(earner("420.00")), PARAMS, ON))
    assert "家庭月人均收入 420.00 元，低于低保标准 700.00 元（长春市 2020-11-01 起" in lines[1]
    assert any(line.startswith("结论：符合最低生活保障条件，每月补差 280.00 元") for line in lines)
    # placeholder parameters are said to be so, to staff, in plain Chinese
    assert any(PLACEHOLDER_ZH in line for line in lines)
    # and not to citizens (the public self-check)
    public = explain_zh(evaluate(household(earner("420.00")), PARAMS, ON), mark_placeholder=False)
    assert not any(PLACEHOLDER_ZH in line or "演示" in line for line in public)


def test_no_members_counted_means_nothing_eligible():
    ev = evaluate(household(member(living_apart=True)), PARAMS, ON)
    assert ev.members == 0
    assert ev.proposed_type is None and ev.proposed_amount == D("0.00")


# --- reading an application -----------------------------------------------------------


def test_facts_from_application_reads_members_incomes_and_assets(staff):
    from tests.assistance.conftest import household_input
    from yimen.assistance.application_facts import facts_from_application
    from yimen.assistance.services import intake

    application = intake.application_create(actor=staff.caseworker, data=household_input())
    facts = facts_from_application(application)
    assert facts.hukou_type == "urban" and len(facts.members) == 3
    head = facts.members[0]
    assert head.incomes == {"wages": D("900.00"), "x_assistance": D("50.00")}
    assert facts.members[1].disability_kind == "physical"
    assert facts.members[1].disability_grade == 2
    assert (facts.deposits, facts.vehicles) == (D("3000.00"), ("ebike",))
    ev = evaluate(facts, PARAMS, date(2026, 11, 2))
    assert ev.counted_income == D("900.00")  # the exempt 50 is not counted
    assert ev.dibao_amount == D("1200.00")  # 700 × 3 − 900
