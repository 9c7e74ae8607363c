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

``settle`` runs these as named steps, one function each. The reasons are gettext messages
(context ``settlement reason``, named placeholders; English msgids, Chinese in the app's
catalogue) rendered in both languages when the bill is settled, so a stored settlement
keeps the words it was explained with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.utils import translation

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
#: the gettext context of every reason's message (keeps the short names apart from labels)
CONTEXT = "settlement reason"


def N_(msgid: str) -> str:
    """Marks a reason's msgid (context ``CONTEXT``); translated when a reason is rendered."""
    return msgid


BASIS_NAMES = {
    LOCAL: N_("treated at home"),
    "long_stay": N_("filed long-stay away from home"),
    "referral": N_("filed referral"),
    "emergency": N_("emergency away from home (treated as filed)"),
    "temporary_other": N_("filed other temporary care"),
    "unfiled_other": N_("temporary care away without filing"),
}
LEVEL_NAMES = {
    "community": N_("community"),
    "level1": N_("level 1"),
    "level2": N_("level 2"),
    "level3_city": N_("level 3 (city)"),
    "level3_provincial": N_("level 3 (provincial)"),
}
KIND_NAMES = {
    OUTPATIENT: N_("outpatient"),
    INPATIENT: N_("inpatient"),
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


@lru_cache(maxsize=256)
def _translated(msgid: str, language: str) -> str:
    """A message in ``language``; cached, as the catalogues do not change while running and
    settle() is on the interface's hot path."""
    with translation.override(language):
        return translation.pgettext(CONTEXT, msgid)


class Text:
    """A message with named parameters, some of which may be messages themselves."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid, self.params = msgid, params

    def render(self, language: str) -> str:
        text = _translated(self.msgid, language)
        if not self.params:
            return text
        values = {
            k: v.render(language) if isinstance(v, Text) else v for k, v in self.params.items()
        }
        return text % values


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

    def say(self, field_name: str, message: Text) -> None:
        self.reasons.append(Reason(field_name, message.render("zh-hans"), message.render("en")))


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


def _bill_totals(r: Result, lines: Sequence[LineSplit]) -> None:
    """Step 1: the bill's totals and its in-scope amount, from the catalog's line splits."""
    r.medfee_sumamt = sum(x.amount_fen for x in lines)
    r.fulamt_ownpay_amt = sum(x.fulamt_ownpay_fen for x in lines)
    r.overlmt_selfpay = sum(x.overlmt_fen for x in lines)
    r.preselfpay_amt = sum(x.preselfpay_fen for x in lines)
    r.inscp_scp_amt = sum(x.inscp_fen for x in lines)
    r.say("medfee_sumamt", Text(N_("%(count)s lines total %(total)s yuan"),
                                count=len(lines), total=format_fen(r.medfee_sumamt)))  # fmt: skip
    r.say("fulamt_ownpay_amt", Text(
        N_("Class C and unlisted items, fully self-paid: %(amount)s"),
        amount=format_fen(r.fulamt_ownpay_amt)))  # fmt: skip
    r.say("overlmt_selfpay", Text(N_("Above the catalog price caps: %(amount)s"),
                                  amount=format_fen(r.overlmt_selfpay)))  # fmt: skip
    r.say("preselfpay_amt", Text(
        N_("Self-paid share of class B items: %(amount)s"),
        amount=format_fen(r.preselfpay_amt)))  # fmt: skip
    r.say("inscp_scp_amt", Text(
        N_("Within the policy scope (treatment place's catalog): %(amount)s"),
        amount=format_fen(r.inscp_scp_amt)))  # fmt: skip


def _not_covered(r: Result, visit: Visit) -> None:
    """Residents' ordinary care at a level the scheme leaves out: the pool pays nothing."""
    r.say("hifp_pay", Text(
        N_("Ordinary %(kind)s care at a %(level)s hospital is not covered "
                               "for residents; the pool pays nothing"),
        kind=Text(KIND_NAMES[visit.kind]), level=Text(LEVEL_NAMES[visit.level])))  # fmt: skip


def _deductible(r: Result, scheme: Any, terms: Any, visit: Visit, ytd: YearToDate) -> None:
    """Step 2: the deductible by level, less what the year's ceiling already absorbed."""
    deductible = terms.deductible_fen
    ceiling = scheme.deductible_year_ceiling_fen
    note: Text | str = ""
    if visit.kind == INPATIENT and ceiling is not None:
        left = max(0, ceiling - ytd.deductible_fen)
        if left < deductible:
            note = Text(
                N_("; admission %(admission)s this year, deductibles paid "
                                       "%(paid)s of the yearly %(ceiling)s"),
                admission=ytd.admissions + 1, paid=format_fen(ytd.deductible_fen),
                ceiling=format_fen(ceiling),
            )  # fmt: skip
            deductible = left
    r.act_pay_dedc = min(deductible, r.inscp_scp_amt)
    r.say("act_pay_dedc", Text(
        N_("%(level)s %(kind)s deductible %(deductible)s, applied "
                               "%(applied)s%(note)s"),
        level=Text(LEVEL_NAMES[visit.level]), kind=Text(KIND_NAMES[visit.kind]),
        deductible=format_fen(terms.deductible_fen), applied=format_fen(r.act_pay_dedc),
        note=note))  # fmt: skip


def _basic_pool(
    r: Result, scheme: Any, terms: Any, policy: Policy, person: PersonFacts, visit: Visit,
    ytd: YearToDate,
) -> int:  # fmt: skip
    """Step 3: the basic pool up to what is left of its annual cap; returns the eligible
    amount above the cap (for the large-amount subsidy)."""
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
    retired = person.retired and person.insurance_type == "employee"
    r.say("hifp_pay", Text(
        N_("Pool ratio %(ratio)s%(retiree)s, %(basis)s, effective "
                               "%(effective)s; (%(scope)s − %(deductible)s) × %(effective)s = "
                               "%(full)s; annual cap %(cap)s, used %(used)s, paid now %(paid)s"),
        ratio=pct(terms.ratio),
        retiree=Text(N_(" (+2 points retired)")) if retired else "",
        basis=Text(BASIS_NAMES[visit.basis]), effective=pct(r.ratio),
        scope=format_fen(r.inscp_scp_amt), deductible=format_fen(r.act_pay_dedc),
        full=format_fen(full), cap=format_fen(scheme.annual_cap_fen),
        used=format_fen(ytd.pool_paid_fen), paid=format_fen(r.hifp_pay)))  # fmt: skip
    pool_fund = FUND_EMPLOYEE_POOL if person.insurance_type == "employee" else FUND_RESIDENT_POOL
    r.setldetail.append(
        FundRow(pool_fund, r.inscp_scp_amt, eligible - over_cap, r.hifp_pay, r.reasons[-1].zh)
    )
    return over_cap


def _large_amount(r: Result, policy: Policy, ytd: YearToDate, over_cap: int) -> None:
    """Step 4: employees' large-amount subsidy (大额) above the pool cap, up to its own cap."""
    large_left = max(0, policy.large_amount_cap_fen - ytd.large_paid_fen)
    r.hifob_pay = min(mul_fen(over_cap, policy.large_amount_ratio), large_left)
    r.say("hifob_pay", Text(
        N_("Above the pool cap %(over)s × %(ratio)s, large-amount limit "
                               "left %(left)s, paid %(paid)s"),
        over=format_fen(over_cap), ratio=pct(policy.large_amount_ratio),
        left=format_fen(large_left), paid=format_fen(r.hifob_pay)))  # fmt: skip
    r.setldetail.append(
        FundRow(FUND_EMPLOYEE_LARGE, r.inscp_scp_amt, over_cap, r.hifob_pay, r.reasons[-1].zh)
    )


def _critical_illness(r: Result, policy: Policy, ytd: YearToDate, in_scope_personal: int) -> None:
    """Step 5: residents' critical-illness insurance (大病) by bands over the year's in-scope
    personal burden, up to its cap."""
    r.critical_base = in_scope_personal
    raw = _banded(policy.critical_bands, ytd.critical_base_fen, in_scope_personal)
    critical_left = max(0, policy.critical_cap_fen - ytd.critical_paid_fen)
    r.hifmi_pay = min(mul_fen(1, raw), critical_left)
    r.say("hifmi_pay", Text(
        N_("Critical illness: the year's in-scope personal burden "
                               "%(before)s → %(after)s, paid by bands %(paid)s (limit left "
                               "%(left)s)"),
        before=format_fen(ytd.critical_base_fen),
        after=format_fen(ytd.critical_base_fen + in_scope_personal),
        paid=format_fen(r.hifmi_pay), left=format_fen(critical_left)))  # fmt: skip
    if r.hifmi_pay:
        r.setldetail.append(
            FundRow(FUND_RESIDENT_CRITICAL, r.inscp_scp_amt, in_scope_personal, r.hifmi_pay,
                    r.reasons[-1].zh)
        )  # fmt: skip


def _personal_part(r: Result, person: PersonFacts) -> None:
    """Step 6: funds in total, the person's part, the account's share of it, cash, balance."""
    r.fund_pay_sumamt = r.hifp_pay + r.hifmi_pay + r.hifob_pay + r.maf_pay
    r.psn_part_amt = r.medfee_sumamt - r.fund_pay_sumamt
    r.say("fund_pay_sumamt", Text(N_("Funds pay %(amount)s yuan in total"),
                                  amount=format_fen(r.fund_pay_sumamt)))  # fmt: skip
    r.say("psn_part_amt", Text(
        N_("Personal part = total %(total)s − funds %(funds)s = %(part)s"),
        total=format_fen(r.medfee_sumamt), funds=format_fen(r.fund_pay_sumamt),
        part=format_fen(r.psn_part_amt)))  # fmt: skip
    employee = person.insurance_type == "employee"
    balance = max(0, person.account_balance_fen)
    if employee and person.use_account:
        r.acct_pay = min(r.psn_part_amt, balance)
        r.say("acct_pay", Text(
            N_("Personal account balance %(balance)s, pays %(paid)s"),
            balance=format_fen(balance), paid=format_fen(r.acct_pay)))  # fmt: skip
    elif employee:
        r.say("acct_pay", Text(N_("Personal account not used")))
    else:
        r.say("acct_pay", Text(
            N_("Residents' insurance has no personal account")))  # fmt: skip
    r.psn_cash_pay = r.psn_part_amt - r.acct_pay
    r.balc = balance - r.acct_pay if employee else 0
    r.say("psn_cash_pay", Text(N_("Paid in cash %(amount)s"),
                               amount=format_fen(r.psn_cash_pay)))  # fmt: skip
    r.say("balc", Text(N_("Account balance after settlement %(amount)s"),
                       amount=format_fen(r.balc)))  # fmt: skip


def settle(
    lines: Sequence[LineSplit],
    person: PersonFacts,
    visit: Visit,
    policy: Policy,
    ytd: YearToDate,
) -> Result:
    """Compute the settlement of one bill. Pure: same inputs, same fen (and same words)."""
    r = Result()
    _bill_totals(r, lines)
    scheme = (policy.inpatient if visit.kind == INPATIENT else policy.outpatient)[
        person.insurance_type
    ]
    terms = scheme.levels[visit.level]
    if not terms.covered:
        _not_covered(r, visit)
        in_scope_personal = r.inscp_scp_amt
    else:
        _deductible(r, scheme, terms, visit, ytd)
        over_cap = _basic_pool(r, scheme, terms, policy, person, visit, ytd)
        if visit.kind == INPATIENT and person.insurance_type == "employee" and over_cap:
            _large_amount(r, policy, ytd, over_cap)
        in_scope_personal = r.inscp_scp_amt - r.hifp_pay - r.hifob_pay
    if visit.kind == INPATIENT and person.insurance_type == "resident":
        _critical_illness(r, policy, ytd, in_scope_personal)
    _personal_part(r, person)
    return r
