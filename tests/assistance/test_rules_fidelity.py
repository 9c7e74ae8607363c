"""Issue 21, rules fidelity: exact thresholds (item 4), payment rounding and minimum
(item 10), as tables at the line, one fen below and one fen above; each row also runs
through the vectorised path, which must agree to the fen."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.assistance.test_rules import ON, PARAMS, earner, household, member
from yimen.assistance.rules.engine import below, evaluate, explain_zh
from yimen.assistance.rules.vectorised import evaluate_frame, frames_from_facts, from_fen

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
