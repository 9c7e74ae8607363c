"""The split of one bill between the funds and the person (参保地政策), as pure functions.

Input: the bill lines already split by the treatment place's catalog, facts about the person
and the visit, the insured place's dated policy, and the person's figures so far this year.
Output: the national ``setlinfo`` amounts and ``setldetail`` rows, in integer fen, and the
reasons for every amount in Chinese and English.

Order (inpatient; outpatient the same without the large-amount and critical-illness layers):
1. in-scope amount = Σ line ``inscp``;
2. deductible (起付线) by hospital level, less what the year's ceiling already absorbed;
3. basic pool (统筹) pays ratio × (in scope − deductible) up to what is left of the annual
   cap; ratio = level ratio (+ retiree points for employees) × away-from-home factor,
   rounded to 4 places;
4. above the cap: employees' large-amount subsidy (大额) pays its ratio up to its own cap;
5. residents: critical-illness insurance (大病) pays by bands over the year's in-scope personal
   burden, up to its cap;
6. the person's part = total − funds; an employee's personal account pays it as far as the
   balance goes when the hospital asks (acct_used_flag); the rest is cash.
Every product is rounded once to the fen, ROUND_HALF_UP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from yimen.money import format_fen

from .catalog import LineSplit
from .money import div_fen, mul_fen, pct
from .policy import Policy

OUTPATIENT, INPATIENT = "outpatient", "inpatient"
LOCAL = "local"
# national fund_pay_type codes
FUND_EMPLOYEE_POOL = "310100"  # 职工基本医疗保险统筹基金
FUND_RESIDENT_POOL = "390100"  # 城乡居民基本医疗保险基金
FUND_RESIDENT_CRITICAL = "390200"  # 城乡居民大病医疗保险
FUND_EMPLOYEE_LARGE = "330100"  # 职工大额医疗费用补助基金
FUND_NAMES = {
    FUND_EMPLOYEE_POOL: "职工基本医疗保险统筹基金",
    FUND_RESIDENT_POOL: "城乡居民基本医疗保险基金",
    FUND_RESIDENT_CRITICAL: "城乡居民大病医疗保险",
    FUND_EMPLOYEE_LARGE: "职工大额医疗费用补助基金",
}
BASIS_NAMES = {
    LOCAL: ("参保地本地就医", "treated at home"),
    "long_stay": ("异地长期居住备案", "filed long-stay away from home"),
    "referral": ("异地转诊备案", "filed referral"),
    "emergency": ("异地急诊抢救（视同已备案）", "emergency away from home (treated as filed)"),
    "temporary_other": ("其他临时外出就医备案", "filed other temporary care"),
    "unfiled_other": ("未备案的临时外出就医", "temporary care away without filing"),
}
LEVEL_NAMES = {
    "community": ("社区", "community"),
    "level1": ("一级", "level 1"),
    "level2": ("二级", "level 2"),
    "level3_city": ("三级（市属）", "level 3 (city)"),
    "level3_provincial": ("三级（省属）", "level 3 (provincial)"),
}


@dataclass(frozen=True)
class PersonFacts:
    insurance_type: str  # employee | resident
    retired: bool
    account_balance_fen: int = 0
    use_account: bool = True


@dataclass(frozen=True)
class Visit:
    kind: str  # outpatient | inpatient
    level: str
    basis: str  # local or one of policy.AWAY_BASES


@dataclass(frozen=True)
class YearToDate:
    """The person's figures this calendar year before this bill (settled, not cancelled)."""

    deductible_fen: int = 0  # inpatient deductibles applied so far
    admissions: int = 0
    pool_paid_fen: int = 0  # basic pool paid, same kind (outpatient / inpatient)
    large_paid_fen: int = 0
    critical_base_fen: int = 0  # in-scope personal burden counted for 大病 so far
    critical_paid_fen: int = 0


@dataclass(frozen=True)
class Reason:
    field: str
    zh: str
    en: str


@dataclass(frozen=True)
class FundRow:
    fund_pay_type: str
    inscp_scp_amt: int
    crt_payb_lmt_amt: int
    fund_payamt: int
    setl_proc_info: str


@dataclass
class Result:
    """setlinfo amounts in fen, setldetail rows, reasons, and the year figures to add."""

    medfee_sumamt: int = 0
    fulamt_ownpay_amt: int = 0
    overlmt_selfpay: int = 0
    preselfpay_amt: int = 0
    inscp_scp_amt: int = 0
    act_pay_dedc: int = 0
    hifp_pay: int = 0
    pool_prop_selfpay: int = 0
    hifmi_pay: int = 0
    hifob_pay: int = 0
    maf_pay: int = 0
    fund_pay_sumamt: int = 0
    psn_part_amt: int = 0
    acct_pay: int = 0
    psn_cash_pay: int = 0
    balc: int = 0
    ratio: Decimal = Decimal(0)
    critical_base: int = 0
    setldetail: list[FundRow] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    def say(self, field_name: str, zh: str, en: str) -> None:
        self.reasons.append(Reason(field_name, zh, en))


def _effective_ratio(policy: Policy, person: PersonFacts, visit: Visit, base: Decimal) -> Decimal:
    scheme = (policy.inpatient if visit.kind == INPATIENT else policy.outpatient)[
        person.insurance_type
    ]
    ratio = base
    if person.retired and person.insurance_type == "employee":
        ratio += scheme.retiree_bonus
    if visit.basis != LOCAL:
        ratio *= policy.away_factors[person.insurance_type][visit.basis]
    return min(Decimal(1), ratio).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _banded(bands, start: int, amount: int) -> Decimal:
    """Σ over bands of (part of [start, start+amount) inside the band) × band ratio."""
    total = Decimal(0)
    end = start + amount
    for band in bands:
        upper = end if band.upper_fen is None else min(end, band.upper_fen)
        lower = max(start, band.lower_fen)
        if upper > lower:
            total += Decimal(upper - lower) * band.ratio
    return total


def settle(
    lines: Sequence[LineSplit],
    person: PersonFacts,
    visit: Visit,
    policy: Policy,
    ytd: YearToDate,
) -> Result:
    """Compute the settlement of one bill. Pure: same inputs, same fen."""
    r = Result()
    r.medfee_sumamt = sum(x.amount_fen for x in lines)
    r.fulamt_ownpay_amt = sum(x.fulamt_ownpay_fen for x in lines)
    r.overlmt_selfpay = sum(x.overlmt_fen for x in lines)
    r.preselfpay_amt = sum(x.preselfpay_fen for x in lines)
    r.inscp_scp_amt = sum(x.inscp_fen for x in lines)
    r.say(
        "medfee_sumamt",
        f"{len(lines)} 条明细合计 {format_fen(r.medfee_sumamt)} 元",
        f"{len(lines)} lines total {format_fen(r.medfee_sumamt)} yuan",
    )
    r.say(
        "fulamt_ownpay_amt",
        f"丙类及目录外项目全额自费 {format_fen(r.fulamt_ownpay_amt)} 元",
        f"Class C and unlisted items, fully self-paid: {format_fen(r.fulamt_ownpay_amt)}",
    )
    r.say(
        "overlmt_selfpay",
        f"超出目录限价部分自付 {format_fen(r.overlmt_selfpay)} 元",
        f"Above the catalog price caps: {format_fen(r.overlmt_selfpay)}",
    )
    r.say(
        "preselfpay_amt",
        f"乙类项目先行自付 {format_fen(r.preselfpay_amt)} 元",
        f"Self-paid share of class B items: {format_fen(r.preselfpay_amt)}",
    )
    r.say(
        "inscp_scp_amt",
        f"符合政策范围金额 {format_fen(r.inscp_scp_amt)} 元（就医地目录）",
        f"Within the policy scope (treatment place's catalog): {format_fen(r.inscp_scp_amt)}",
    )

    scheme = (policy.inpatient if visit.kind == INPATIENT else policy.outpatient)[
        person.insurance_type
    ]
    terms = scheme.levels[visit.level]
    level_zh, level_en = LEVEL_NAMES[visit.level]
    basis_zh, basis_en = BASIS_NAMES[visit.basis]
    kind_zh = "住院" if visit.kind == INPATIENT else "门诊"
    pool_fund = FUND_EMPLOYEE_POOL if person.insurance_type == "employee" else FUND_RESIDENT_POOL

    if not terms.covered:
        r.say(
            "hifp_pay",
            f"{level_zh}医院{kind_zh}不在城乡居民门诊统筹范围，统筹基金不支付",
            f"Ordinary {visit.kind} care at a {level_en} hospital is not covered for "
            "residents; the pool pays nothing",
        )
        in_scope_personal = r.inscp_scp_amt
    else:
        deductible = terms.deductible_fen
        ceiling = scheme.deductible_year_ceiling_fen
        note_zh = note_en = ""
        if visit.kind == INPATIENT and ceiling is not None:
            left = max(0, ceiling - ytd.deductible_fen)
            if left < deductible:
                note_zh = (
                    f"；本年第 {ytd.admissions + 1} 次住院，已付起付线 "
                    f"{format_fen(ytd.deductible_fen)} 元，年度累计上限 {format_fen(ceiling)} 元"
                )
                note_en = (
                    f"; admission {ytd.admissions + 1} this year, deductibles paid "
                    f"{format_fen(ytd.deductible_fen)} of the yearly {format_fen(ceiling)}"
                )
                deductible = left
        r.act_pay_dedc = min(deductible, r.inscp_scp_amt)
        r.say(
            "act_pay_dedc",
            f"{level_zh}医院{kind_zh}起付线 {format_fen(terms.deductible_fen)} 元，实际扣除 "
            f"{format_fen(r.act_pay_dedc)} 元{note_zh}",
            f"{level_en} {visit.kind} deductible {format_fen(terms.deductible_fen)}, applied "
            f"{format_fen(r.act_pay_dedc)}{note_en}",
        )
        eligible = r.inscp_scp_amt - r.act_pay_dedc
        r.ratio = _effective_ratio(policy, person, visit, terms.ratio)
        cap_left = max(0, scheme.annual_cap_fen - ytd.pool_paid_fen)
        full = mul_fen(eligible, r.ratio)
        if full <= cap_left:
            r.hifp_pay, over_cap = full, 0
        else:
            r.hifp_pay = cap_left
            within = min(eligible, div_fen(cap_left, r.ratio)) if r.ratio > 0 else 0
            over_cap = eligible - within
        r.pool_prop_selfpay = eligible - over_cap - r.hifp_pay
        retiree = (
            "（退休 +2 个百分点）" if person.retired and person.insurance_type == "employee" else ""
        )
        r.say(
            "hifp_pay",
            f"统筹支付比例 {pct(terms.ratio)}{retiree}，{basis_zh}，实际比例 {pct(r.ratio)}；"
            f"({format_fen(r.inscp_scp_amt)} − {format_fen(r.act_pay_dedc)}) × {pct(r.ratio)}"
            f" = {format_fen(full)} 元；年度限额 {format_fen(scheme.annual_cap_fen)} 元，已用 "
            f"{format_fen(ytd.pool_paid_fen)} 元，本次支付 {format_fen(r.hifp_pay)} 元",
            f"Pool ratio {pct(terms.ratio)}{' (+2 points retired)' if retiree else ''}, "
            f"{basis_en}, effective {pct(r.ratio)}; ({format_fen(r.inscp_scp_amt)} − "
            f"{format_fen(r.act_pay_dedc)}) × {pct(r.ratio)} = {format_fen(full)}; annual cap "
            f"{format_fen(scheme.annual_cap_fen)}, used {format_fen(ytd.pool_paid_fen)}, "
            f"paid now {format_fen(r.hifp_pay)}",
        )
        r.setldetail.append(
            FundRow(pool_fund, r.inscp_scp_amt, eligible - over_cap, r.hifp_pay, r.reasons[-1].zh)
        )
        if visit.kind == INPATIENT and person.insurance_type == "employee" and over_cap:
            large_left = max(0, policy.large_amount_cap_fen - ytd.large_paid_fen)
            r.hifob_pay = min(mul_fen(over_cap, policy.large_amount_ratio), large_left)
            r.say(
                "hifob_pay",
                f"超过统筹年度限额部分 {format_fen(over_cap)} 元 × {pct(policy.large_amount_ratio)}"
                f"，大额补助剩余限额 {format_fen(large_left)} 元，"
                f"支付 {format_fen(r.hifob_pay)} 元",
                f"Above the pool cap {format_fen(over_cap)} × {pct(policy.large_amount_ratio)}, "
                f"large-amount limit left {format_fen(large_left)}, paid {format_fen(r.hifob_pay)}",
            )
            r.setldetail.append(
                FundRow(
                    FUND_EMPLOYEE_LARGE, r.inscp_scp_amt, over_cap, r.hifob_pay, r.reasons[-1].zh
                )
            )
        in_scope_personal = r.inscp_scp_amt - r.hifp_pay - r.hifob_pay
    if visit.kind == INPATIENT and person.insurance_type == "resident":
        r.critical_base = in_scope_personal
        raw = _banded(policy.critical_bands, ytd.critical_base_fen, in_scope_personal)
        critical_left = max(0, policy.critical_cap_fen - ytd.critical_paid_fen)
        r.hifmi_pay = min(mul_fen(1, raw), critical_left)
        r.say(
            "hifmi_pay",
            f"大病保险：本年政策范围内个人负担累计 {format_fen(ytd.critical_base_fen)} → "
            f"{format_fen(ytd.critical_base_fen + in_scope_personal)} 元，分段按比例支付 "
            f"{format_fen(r.hifmi_pay)} 元（剩余限额 {format_fen(critical_left)} 元）",
            f"Critical illness: the year's in-scope personal burden "
            f"{format_fen(ytd.critical_base_fen)} → "
            f"{format_fen(ytd.critical_base_fen + in_scope_personal)}, paid by bands "
            f"{format_fen(r.hifmi_pay)} (limit left {format_fen(critical_left)})",
        )
        if r.hifmi_pay:
            r.setldetail.append(
                FundRow(
                    FUND_RESIDENT_CRITICAL,
                    r.inscp_scp_amt,
                    in_scope_personal,
                    r.hifmi_pay,
                    r.reasons[-1].zh,
                )
            )
    r.fund_pay_sumamt = r.hifp_pay + r.hifmi_pay + r.hifob_pay + r.maf_pay
    r.psn_part_amt = r.medfee_sumamt - r.fund_pay_sumamt
    r.say(
        "fund_pay_sumamt",
        f"基金支付合计 {format_fen(r.fund_pay_sumamt)} 元",
        f"Funds pay {format_fen(r.fund_pay_sumamt)} yuan in total",
    )
    r.say(
        "psn_part_amt",
        f"个人负担 = 总额 {format_fen(r.medfee_sumamt)} − 基金 {format_fen(r.fund_pay_sumamt)} "
        f"= {format_fen(r.psn_part_amt)} 元",
        f"Personal part = total {format_fen(r.medfee_sumamt)} − funds "
        f"{format_fen(r.fund_pay_sumamt)} = {format_fen(r.psn_part_amt)}",
    )
    balance = max(0, person.account_balance_fen)
    if person.insurance_type == "employee" and person.use_account:
        r.acct_pay = min(r.psn_part_amt, balance)
        r.say(
            "acct_pay",
            f"个人账户余额 {format_fen(balance)} 元，支付 {format_fen(r.acct_pay)} 元",
            f"Personal account balance {format_fen(balance)}, pays {format_fen(r.acct_pay)}",
        )
    else:
        r.say(
            "acct_pay",
            "不使用个人账户" if person.insurance_type == "employee" else "城乡居民医保无个人账户",
            "Personal account not used"
            if person.insurance_type == "employee"
            else "Residents' insurance has no personal account",
        )
    r.psn_cash_pay = r.psn_part_amt - r.acct_pay
    r.balc = balance - r.acct_pay if person.insurance_type == "employee" else 0
    r.say(
        "psn_cash_pay",
        f"现金支付 {format_fen(r.psn_cash_pay)} 元",
        f"Paid in cash {format_fen(r.psn_cash_pay)}",
    )
    r.say(
        "balc",
        f"结算后个人账户余额 {format_fen(r.balc)} 元",
        f"Account balance after settlement {format_fen(r.balc)}",
    )
    return r
