"""Issue 21, rules fidelity: exact thresholds (item 4), payment rounding and minimum
(item 10), as tables at the line, one fen below and one fen above; each row also runs
through the vectorised path, which must agree to the fen."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.assistance.test_rules import ON, PARAMS, earner, household, member
from yimen.assistance.rules.engine import below, evaluate, explain_zh
from yimen.assistance.rules.fen import from_fen
from yimen.assistance.rules.vectorised import evaluate_frame
from yimen.assistance.rules.vectorised_frames import frames_from_facts

D = Decimal


def vector_row(facts, params):
    return evaluate_frame(*frames_from_facts([facts]), params, ON).row(0, named=True)


# --- item 4: the low-income line compared exactly ---------------------------------------

ODD = replace(PARAMS, dibao_standard_urban=D("733.33"))


@pytest.mark.parametrize(
    ("income", "low_income"),
    [
        # 2 × 1.5 × 733.33 = 2,199.99 exactly: a per-person line rounded half up
        # (1,100.00 × 2 = 2,200.00) would accept the household sitting on it
        ("2199.98", True),  # one fen below
        ("2199.99", False),  # at the line
        ("2200.00", False),  # one fen above
    ],
)
def test_low_income_line_is_exact(income, low_income):
    facts = household(earner(income), member())
    ev = evaluate(facts, ODD, ON)
    assert ev.rule("low_income").passed is low_income
    assert ev.rule("low_income").values["threshold_total"] == "2199.99"
    assert ev.low_income_eligible is low_income
    row = vector_row(facts, ODD)
    assert (row["rule_low_income"], row["low_income_eligible"]) == (low_income, low_income)


@pytest.mark.parametrize(
    ("income", "passed"),
    [
        # one member, factor 1.333: the line is 977.52889, between two fen
        ("977.52", True),
        ("977.53", False),
    ],
)
def test_low_income_line_between_two_fen(income, passed):
    params = replace(ODD, low_income_factor=D("1.333"))
    facts = household(earner(income))
    ev = evaluate(facts, params, ON)
    assert ev.rule("low_income").passed is passed
    assert ev.rule("low_income").values["threshold_total"] == "977.52889"
    assert vector_row(facts, params)["rule_low_income"] is passed


def test_below_is_a_strict_exact_comparison():
    assert below(D("2199.98"), 2, D("1.5"), D("733.33"))
    assert not below(D("2199.99"), 2, D("1.5"), D("733.33"))


@pytest.mark.parametrize(
    ("income", "dibao"),
    [("1466.65", True), ("1466.66", False), ("1466.67", False)],  # 2 × 733.33
)
def test_dibao_line_with_an_odd_standard(income, dibao):
    facts = household(earner(income), member())
    assert evaluate(facts, ODD, ON).dibao_eligible is dibao
    assert vector_row(facts, ODD)["dibao_eligible"] is dibao


# --- item 10: payment rounding and minimum ----------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "mode", "minimum", "income", "paid"),
    [
        ("fen", "half_up", "0", "1399.99", "0.01"),  # default: to the fen, no minimum
        ("jiao", "half_up", "0", "1334.95", "65.10"),  # 65.05 → 65.10
        ("jiao", "half_up", "0", "1334.96", "65.00"),  # 65.04 → 65.00
        ("yuan", "up", "0", "1334.99", "66.00"),  # 65.01 → 66
        ("yuan", "down", "0", "1334.01", "65.00"),  # 65.99 → 65
        ("yuan", "half_up", "0", "1334.50", "66.00"),  # 65.50 → 66 (half up)
        ("yuan", "half_up", "0", "1334.51", "65.00"),  # 65.49 → 65
        ("fen", "half_up", "20.00", "1360.01", "40.00"),  # 39.99 → minimum 20 × 2
        ("fen", "half_up", "20.00", "1360.00", "40.00"),  # at the minimum
        ("fen", "half_up", "20.00", "1359.99", "40.01"),  # one fen above it
        ("fen", "half_up", "20.00", "1400.00", "0.00"),  # not eligible: nothing, no minimum
    ],
)
def test_payment_rounding_and_minimum(rounding, mode, minimum, income, paid):
    params = replace(
        PARAMS,
        payment_rounding=rounding,
        payment_rounding_mode=mode,
        payment_minimum=D(minimum),
    )
    facts = household(earner(income), member())  # standard 700 × 2 = 1,400
    ev = evaluate(facts, params, ON)
    assert ev.dibao_amount == D(paid)
    assert ev.dibao_computed == (D("1400.00") - D(income) if ev.dibao_eligible else D("0.00"))
    row = vector_row(facts, params)
    assert from_fen(row["dibao_amount_fen"]) == D(paid)
    assert from_fen(row["dibao_computed_fen"]) == ev.dibao_computed


def test_explanation_shows_the_rounding_and_the_minimum_when_applied():
    rounded = replace(PARAMS, payment_rounding="yuan", payment_rounding_mode="up")
    text = "".join(explain_zh(evaluate(household(earner("1334.99"), member()), rounded, ON)))
    assert "计算金额 65.01 元，按向上取整到元，发放 66.00 元。" in text
    floor = replace(PARAMS, payment_minimum=D("20.00"))
    text = "".join(explain_zh(evaluate(household(earner("1390.00"), member()), floor, ON)))
    assert "计算金额 10.00 元，不低于每人每月 20.00 元的最低发放额，发放 40.00 元。" in text
    plain = "".join(explain_zh(evaluate(household(earner("1390.00"), member()), PARAMS, ON)))
    assert "计算金额" not in plain


def test_tekun_amount_is_rounded_but_has_no_minimum():
    params = replace(PARAMS, payment_rounding="yuan", payment_minimum=D("5000.00"))
    facts = household(member(ON.replace(year=1950)))
    ev = evaluate(facts, replace(params, dibao_standard_urban=D("700.10")), ON)
    # 1.3 × 700.10 = 910.13 + care 100 = 1,010.13 → 1,010 (no 低保 minimum for 特困)
    assert (ev.tekun_computed, ev.tekun_amount) == (D("1010.13"), D("1010.00"))
    row = vector_row(facts, replace(params, dibao_standard_urban=D("700.10")))
    assert from_fen(row["tekun_amount_fen"]) == D("1010.00")


# --- item 5: 特困's own income exemptions and asset limits; low-income asset limits ------

OLD = ON.replace(year=1950)


@pytest.mark.parametrize(
    ("category", "amount", "dibao", "tekun"),
    [
        # 高龄津贴 counts for 低保 but not for 特困 [TK2021 Art.6]
        ("elderly_allowance", "699.99", True, True),
        ("elderly_allowance", "700.00", False, True),
        ("elderly_allowance", "700.01", False, True),
        ("social_insurance", "700.00", False, True),
        ("x_preferential", "900.00", True, True),  # exempt for both
        ("transfer", "699.99", True, True),  # counted for both
        ("transfer", "700.00", False, False),
    ],
)
def test_tekun_has_its_own_income_exemptions(category, amount, dibao, tekun):
    facts = household(member(OLD, incomes={category: D(amount)}))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.dibao_eligible is dibao
    assert ev.rule("tekun_no_living_source").passed is tekun
    assert ev.tekun_eligible is tekun
    row = vector_row(facts, PARAMS)
    assert (row["dibao_eligible"], row["tekun_eligible"]) == (dibao, tekun)


@pytest.mark.parametrize(
    ("deposits", "dibao", "tekun", "low_income"),
    [
        # one member at 700: 低保 24 months = 16,800; 特困 12 months = 8,400;
        # low income 36 months = 25,200
        ("8399.99", True, True, False),
        ("8400.00", True, True, False),
        ("8400.01", True, False, False),
        ("16800.01", False, False, False),  # income 0 → not low income but 低保 fails assets
    ],
)
def test_each_scheme_has_its_own_asset_limits(deposits, dibao, tekun, low_income):
    params = replace(PARAMS, tekun_deposit_months=12, low_income_deposit_months=36)
    facts = household(member(OLD), deposits=D(deposits))
    ev = evaluate(facts, params, ON)
    assert (ev.dibao_eligible, ev.tekun_eligible) == (dibao, tekun)
    assert ev.rule("tekun_assets").values["limit"] == "8400.00"
    row = vector_row(facts, params)
    assert (row["dibao_eligible"], row["tekun_eligible"]) == (dibao, tekun)


@pytest.mark.parametrize(
    ("deposits", "low_income"),
    [("25199.99", True), ("25200.00", True), ("25200.01", False)],
)
def test_low_income_asset_limit(deposits, low_income):
    # income 800 (above the 低保 line, below 1.5 × 700): 低保边缘 on its own limits
    params = replace(PARAMS, low_income_deposit_months=36)
    facts = household(earner("800.00"), deposits=D(deposits))
    ev = evaluate(facts, params, ON)
    assert ev.rule("low_income_assets").passed is low_income
    assert ev.low_income_eligible is low_income
    assert vector_row(facts, params)["low_income_eligible"] is low_income


def test_low_income_homes_and_registration_follow_their_own_settings():
    params = replace(PARAMS, low_income_max_homes=2, low_income_allow_market_entity=True)
    facts = household(earner("800.00"), homes=2, market_entities=1)
    ev = evaluate(facts, params, ON)
    assert ev.low_income_eligible and not ev.rule("homes").passed
    assert not evaluate(facts, PARAMS, ON).low_income_eligible
    assert vector_row(facts, params)["low_income_eligible"] is True


# --- item 9: seasonal and irregular income over the look-back period ---------------------


def seasonal(total: str, monthly: str = "0", **kw):
    return member(incomes={"other": D(monthly)}, period_incomes={"business": D(total)}, **kw)


@pytest.mark.parametrize(
    ("total", "dibao", "amount"),
    [
        # 12 months: 8,400 / 12 = 700 exactly at the standard
        ("8399.99", True, "0.00"),  # 699.999…: eligible, 补差 0.0008 rounds to 0.00
        ("8399.88", True, "0.01"),  # 699.99
        ("8400.00", False, "0.00"),
        ("8400.01", False, "0.00"),
    ],
)
def test_seasonal_income_is_averaged_over_the_look_back(total, dibao, amount):
    facts = household(seasonal(total))
    ev = evaluate(facts, PARAMS, ON)
    assert ev.dibao_eligible is dibao
    assert ev.dibao_amount == D(amount)
    values = ev.rule("dibao_income").values
    assert (values["lookback_months"], values["period_total"]) == ("12", total)
    row = vector_row(facts, PARAMS)
    assert row["dibao_eligible"] is dibao
    assert from_fen(row["dibao_amount_fen"]) == D(amount)
    assert from_fen(row["counted_income_fen"]) == ev.counted_income


def test_look_back_months_are_dated_configuration():
    facts = household(seasonal("4200.00"))
    six = replace(PARAMS, income_lookback_months=6)  # 700 a month: not eligible
    assert evaluate(facts, PARAMS, ON).dibao_amount == D("350.00")  # 700 − 350
    assert not evaluate(facts, six, ON).dibao_eligible
    assert vector_row(facts, six)["dibao_eligible"] is False


def test_explanation_shows_the_period_and_the_sum():
    text = "".join(explain_zh(evaluate(household(seasonal("6000.00", "100.00")), PARAMS, ON)))
    assert "季节性、不固定收入近 12 个月合计 6,000.00 元，按月平均计 500.00 元" in text
    assert "家庭月人均收入 600.00 元" in text


def test_seasonal_wages_take_the_deduction_once_and_never_more():
    params = replace(PARAMS, employment_cost_deduction=D("200.00"))
    wages = member(period_incomes={"wages": D("1200.00")}, incomes={"other": D("50.00")})
    ev = evaluate(household(wages), params, ON)
    assert ev.counted_income == D("50.00")  # 100 a month of wages, less at most 100
    assert from_fen(vector_row(household(wages), params)["counted_income_fen"]) == D("50.00")
