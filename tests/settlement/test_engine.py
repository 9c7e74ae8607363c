"""Settlement tables: each policy branch against a hand-computed expectation, to the fen.

The expectations are worked by hand in the comments (yuan), never produced by the engine.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from yimen.settlement.errors import PolicyError
from yimen.settlement.rules.catalog import BillLine, split_line
from yimen.settlement.rules.changchun import CHANGCHUN, CHANGCHUN_2025, VALID_FROM
from yimen.settlement.rules.engine import PersonFacts, Visit, YearToDate, settle
from yimen.settlement.rules.policy import policy_from_json

POLICY = policy_from_json(CHANGCHUN, VALID_FROM, CHANGCHUN_2025)
EMPLOYED = PersonFacts("employee", retired=False, account_balance_fen=0)
RETIRED = PersonFacts("employee", retired=True, account_balance_fen=0)
RESIDENT = PersonFacts("resident", retired=False)


def line(yuan: str, cls: str | None = "A", prop: str = "0", price=None, qty="1", cap=None, sn="1"):
    fen = int(Decimal(yuan) * 100)
    return split_line(
        BillLine(
            sn=sn,
            code="X",
            amount_fen=fen,
            quantity=Decimal(qty),
            price=Decimal(price) if price else Decimal(yuan),
            item_class=cls,
            selfpay_prop=Decimal(prop),
            price_cap=Decimal(cap) if cap else None,
        )
    )


def run(lines, person=EMPLOYED, kind="inpatient", level="level3_city", basis="local", ytd=None):
    return settle(lines, person, Visit(kind, level, basis), POLICY, ytd or YearToDate())


AMOUNTS = (
    "medfee_sumamt fulamt_ownpay_amt overlmt_selfpay preselfpay_amt inscp_scp_amt act_pay_dedc "
    "hifp_pay hifmi_pay hifob_pay fund_pay_sumamt psn_part_amt acct_pay psn_cash_pay balc"
)


def amounts(r):
    return {k: getattr(r, k) for k in AMOUNTS.split()}


def test_employee_level3_city_inpatient_with_account():
    # 10,000 in scope − 700 deductible = 9,300 × 88 % = 8,184.00; person 1,816.00,
    # account 1,000.00 pays first, cash 816.00, balance 0
    person = PersonFacts("employee", retired=False, account_balance_fen=100000)
    r = run([line("10000")], person)
    assert amounts(r) == dict(
        medfee_sumamt=1000000, fulamt_ownpay_amt=0, overlmt_selfpay=0, preselfpay_amt=0,
        inscp_scp_amt=1000000, act_pay_dedc=70000, hifp_pay=818400, hifmi_pay=0, hifob_pay=0,
        fund_pay_sumamt=818400, psn_part_amt=181600, acct_pay=100000, psn_cash_pay=81600, balc=0,
    )  # fmt: skip
    assert [d.fund_pay_type for d in r.setldetail] == ["310100"]
    assert {x.field for x in r.reasons} >= {"hifp_pay", "act_pay_dedc", "psn_cash_pay"}
    assert all(x.zh and x.en for x in r.reasons)


def test_retiree_level2_with_class_b_share_and_class_c():
    # A 5,000 + B 2,000 (10 % self-paid share: 200) + C 300 = 7,300; in scope 6,800;
    # − 400 deductible = 6,400 × (92 % + 2) = 6,016.00; person 1,284.00 in cash (no account use)
    person = PersonFacts("employee", retired=True, account_balance_fen=50000, use_account=False)
    r = run([line("5000"), line("2000", "B", "0.10"), line("300", "C")], person, level="level2")
    assert amounts(r) == dict(
        medfee_sumamt=730000, fulamt_ownpay_amt=30000, overlmt_selfpay=0, preselfpay_amt=20000,
        inscp_scp_amt=680000, act_pay_dedc=40000, hifp_pay=601600, hifmi_pay=0, hifob_pay=0,
        fund_pay_sumamt=601600, psn_part_amt=128400, acct_pay=0, psn_cash_pay=128400, balc=50000,
    )  # fmt: skip


@pytest.mark.parametrize(
    "level, deductible, ratio_pay",
    [
        # 10,000 in scope: (10,000 − deductible) × ratio
        ("community", 20000, 931000),  # 9,800 × 95 % = 9,310.00
        ("level1", 20000, 931000),
        ("level2", 40000, 883200),  # 9,600 × 92 % = 8,832.00
        ("level3_city", 70000, 818400),  # 9,300 × 88 % = 8,184.00
        ("level3_provincial", 120000, 748000),  # 8,800 × 85 % = 7,480.00
    ],
)
def test_employee_inpatient_each_level(level, deductible, ratio_pay):
    r = run([line("10000")], level=level)
    assert (r.act_pay_dedc, r.hifp_pay) == (deductible, ratio_pay)


@pytest.mark.parametrize(
    "level, expected",
    [
        ("community", 833000),  # (10,000 − 200) × 85 % = 8,330.00
        ("level2", 720000),  # (10,000 − 400) × 75 % = 7,200.00
        ("level3_city", 598000),  # (10,000 − 800) × 65 % = 5,980.00
        ("level3_provincial", 484000),  # (10,000 − 1,200) × 55 % = 4,840.00
    ],
)
def test_resident_inpatient_each_level(level, expected):
    r = run([line("10000")], RESIDENT, level=level)
    assert r.hifp_pay == expected and r.acct_pay == 0 and r.balc == 0
    assert r.hifmi_pay == 0  # personal burden below the 13,000 critical-illness deductible


def test_deductible_already_met_this_year():
    # yearly deductible ceiling 2,400 configured; 2,400 paid over 3 admissions → none now
    r = run([line("1000")], ytd=YearToDate(deductible_fen=240000, admissions=3))
    assert (r.act_pay_dedc, r.hifp_pay) == (0, 88000)  # 1,000 × 88 %
    # 2,000 paid → only 400 of the 700 is deducted: (1,000 − 400) × 88 % = 528.00
    r = run([line("1000")], ytd=YearToDate(deductible_fen=200000, admissions=2))
    assert (r.act_pay_dedc, r.hifp_pay) == (40000, 52800)


def test_cap_reached_mid_bill_employee_large_amount_takes_over():
    # 149,000 of the 150,000 cap used: pool pays 1,000.00; that covers 1,000 / 0.88 =
    # 1,136.36 of the 19,300 eligible; 18,163.64 above the cap × 90 % = 16,347.28 (大额)
    r = run([line("20000")], ytd=YearToDate(pool_paid_fen=14900000))
    assert r.hifp_pay == 100000
    assert r.pool_prop_selfpay == 13636
    assert r.hifob_pay == 1634728
    assert r.fund_pay_sumamt == 1734728 and r.psn_part_amt == 265272
    assert [d.fund_pay_type for d in r.setldetail] == ["310100", "330100"]
    assert r.setldetail[1].crt_payb_lmt_amt == 1816364


def test_large_amount_own_cap():
    # cap fully used, large-amount has 1,000.00 left of its 350,000
    ytd = YearToDate(pool_paid_fen=15000000, large_paid_fen=34900000)
    r = run([line("20000")], ytd=ytd)
    assert (r.hifp_pay, r.hifob_pay) == (0, 100000)


def test_resident_critical_illness_bands():
    # provincial level 3: (60,000 − 1,200) × 55 % = 32,340 pool; personal in scope 27,660;
    # 大病: (27,660 − 13,000) × 60 % = 8,796.00
    r = run([line("60000")], RESIDENT, level="level3_provincial")
    assert (r.hifp_pay, r.hifmi_pay) == (3234000, 879600)
    assert r.psn_cash_pay == 6000000 - 3234000 - 879600
    # already 45,000 this year: 5,000 × 60 % + 22,660 × 65 % = 3,000 + 14,729 = 17,729.00
    r = run([line("60000")], RESIDENT, "inpatient", "level3_provincial",
            ytd=YearToDate(critical_base_fen=4500000))  # fmt: skip
    assert r.hifmi_pay == 1772900


@pytest.mark.parametrize(
    "basis, expected",
    [
        ("local", 818400),  # 9,300 × 88 %
        ("long_stay", 818400),  # filed long-stay: 100 % of home ratio
        ("referral", 736560),  # 9,300 × 79.2 % = 7,365.60
        ("emergency", 736560),  # unfiled emergency, treated as filed: 90 %
        ("temporary_other", 736560),  # configured equal to referral
        ("unfiled_other", 572880),  # 9,300 × 61.6 % = 5,728.80
    ],
)
def test_employee_away_bases(basis, expected):
    assert run([line("10000")], basis=basis).hifp_pay == expected


@pytest.mark.parametrize(
    "basis, expected",
    [
        ("referral", 612000),  # 9,600 × 75 % × 85 % = 9,600 × 63.75 % = 6,120.00
        ("emergency", 612000),
        ("unfiled_other", 432000),  # 9,600 × 45 % = 4,320.00
        ("long_stay", 720000),
    ],
)
def test_resident_away_bases(basis, expected):
    assert run([line("10000")], RESIDENT, level="level2", basis=basis).hifp_pay == expected


def test_retiree_referral():
    # (88 % + 2) × 90 % = 81 %; 9,300 × 81 % = 7,533.00
    assert run([line("10000")], RETIRED, basis="referral").hifp_pay == 753300


def test_outpatient_employee_and_retiree_and_cap():
    # level 1: (500 − 100) × 60 % = 240.00; retired 62 % = 248.00
    assert run([line("500")], kind="outpatient", level="level1").hifp_pay == 24000
    assert run([line("500")], RETIRED, "outpatient", "level1").hifp_pay == 24800
    # 1,900 of the 2,000 outpatient cap used: 100.00 paid; no large-amount for outpatient
    r = run([line("500")], kind="outpatient", level="level1", ytd=YearToDate(pool_paid_fen=190000))
    assert (r.hifp_pay, r.hifob_pay, r.psn_part_amt) == (10000, 0, 40000)


def test_outpatient_resident_levels():
    assert run([line("100")], RESIDENT, "outpatient", "level1").hifp_pay == 5000  # 50 %, no ded.
    assert run([line("300")], RESIDENT, "outpatient", "level2").hifp_pay == 5000  # (300−200)×50%
    r = run([line("300")], RESIDENT, "outpatient", "level3_city")
    assert (r.hifp_pay, r.psn_cash_pay) == (0, 30000)  # level 3 not covered for residents


def test_price_cap_and_half_up_rounding():
    # 10 × 12.50 = 125.00 with cap 10.00: 25.00 above the cap; 100.00 × 10 % = 10.00 share
    s = line("125", "B", "0.10", price="12.5", qty="10", cap="10")
    assert (s.overlmt_fen, s.preselfpay_fen, s.inscp_fen) == (2500, 1000, 9000)
    # 0.05 × 10 % = 0.005 → 0.01 (half up); in scope 0.04
    s = line("0.05", "B", "0.10")
    assert (s.preselfpay_fen, s.inscp_fen) == (1, 4)
    # deductible exhausted for the year, resident community inpatient 85 %:
    r = run(
        [line("0.15")], RESIDENT, "inpatient", "community", ytd=YearToDate(deductible_fen=240000)
    )
    assert r.hifp_pay == 13  # 15 fen × 85 % = 12.75 → 13


def test_identities_hold_on_random_bills():
    rng = random.Random(8)
    for _ in range(300):
        lines = [
            line(f"{rng.randint(1, 2_000_000) / 100:.2f}", rng.choice(["A", "B", "C", None]),
                 rng.choice(["0", "0.1", "0.15", "0.2"]), sn=str(i))
            for i in range(rng.randint(1, 6))
        ]  # fmt: skip
        person = PersonFacts(rng.choice(["employee", "resident"]), rng.random() < 0.3,
                             rng.randint(0, 500000))  # fmt: skip
        r = run(lines, person, rng.choice(["inpatient", "outpatient"]),
                rng.choice(["community", "level2", "level3_city", "level3_provincial"]),
                rng.choice(["local", "referral", "unfiled_other", "emergency"]),
                YearToDate(pool_paid_fen=rng.randint(0, 15000000)))  # fmt: skip
        assert r.medfee_sumamt == (
            r.fulamt_ownpay_amt + r.overlmt_selfpay + r.preselfpay_amt + r.inscp_scp_amt
        )
        assert r.fund_pay_sumamt + r.psn_part_amt == r.medfee_sumamt
        assert r.acct_pay + r.psn_cash_pay == r.psn_part_amt
        assert min(r.hifp_pay, r.acct_pay, r.psn_cash_pay, r.pool_prop_selfpay) >= 0
        assert r.fund_pay_sumamt <= r.inscp_scp_amt


def test_incomplete_policy_is_refused_with_every_problem():
    with pytest.raises(PolicyError) as info:
        policy_from_json(CHANGCHUN, VALID_FROM, {"outpatient": {}})
    assert len(info.value.problems) > 5


@pytest.mark.parametrize(
    "fen",
    [0, 1, -1, 5, 99, 100, -100, 123456, -123456, 100000000, 99999999999, -5, 1050],
)
def test_yuan_text_in_integers_reads_as_the_decimal_form(fen):
    """The explanations' amounts, now formatted in integer arithmetic, read exactly as the
    Decimal formatting they replace: '1,234.56', '-0.05', '0.00'."""
    from yimen.money import format_fen, format_yuan
    from yimen.settlement.rules.money import fen_to_yuan

    assert format_fen(fen) == f"{fen_to_yuan(fen):,}" == format_yuan(fen_to_yuan(fen))


def test_reasons_read_the_same_in_both_languages_whatever_is_active():
    """The reasons go through gettext (issue 16) and keep the wording they had as f-strings;
    each is rendered in Chinese and English whatever language the request runs in."""
    from django.utils import translation

    person = PersonFacts("employee", retired=True, account_balance_fen=100000)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            r = run([line("10000")], person)
        said = {x.field: (x.zh, x.en) for x in r.reasons}
        assert said["act_pay_dedc"] == (
            "三级（市属）医院住院起付线 700.00 元，实际扣除 700.00 元",
            "level 3 (city) inpatient deductible 700.00, applied 700.00",
        )
        assert said["hifp_pay"] == (
            "统筹支付比例 88%（退休 +2 个百分点），参保地本地就医，实际比例 90%；"
            "(10,000.00 − 700.00) × 90% = 8,370.00 元；年度限额 150,000.00 元，已用 0.00 元，"
            "本次支付 8,370.00 元",
            "Pool ratio 88% (+2 points retired), treated at home, effective 90%; "
            "(10,000.00 − 700.00) × 90% = 8,370.00; annual cap 150,000.00, used 0.00, "
            "paid now 8,370.00",
        )
        assert said["acct_pay"] == (
            "个人账户余额 1,000.00 元，支付 1,000.00 元",
            "Personal account balance 1,000.00, pays 1,000.00",
        )
        assert r.setldetail[0].setl_proc_info == said["hifp_pay"][0]
