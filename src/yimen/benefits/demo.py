"""Demo roster: households on assistance in 南岭街道 since 2025, with accounts, a year of
issued payment rolls, a phase-out and a suspension decided by review, and one review due.

The historical households are written straight into the tables (their approvals predate the
system); the households the assistance demo approves and discloses join as the real path
enrols them (``enrol_disclosed``: the assistance demo may not call the roster)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from yimen.accounts.models import User
from yimen.assistance.demo import ensure_parameters
from yimen.assistance.models import Application, ApplicationStatus, Income, Member
from yimen.assistance.proposal import proposal_for
from yimen.months import add_months, month_of
from yimen.people import initials_of, parse_id_number
from yimen.workflow.models import Task
from yimen.workflow.states import TaskStatus

from . import returns_demo, transitions
from .models import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    PaymentRoll,
    Stability,
)
from .services.payments import roll_issue
from .services.roster import enrol

TOWNSHIP = "220102001000"
VILLAGES = ("220102001001", "220102001002")
NAMES = (
    "曲凤兰",
    "于长河",
    "邹丽华",
    "潘振东",
    "韩淑琴",
    "冯国栋",
    "宋玉兰",
    "董海波",
    "梁桂香",
    "唐建华",
    "许秀芝",
    "邓文军",
    "彭丽娜",
    "曹永祥",
    "蒋春花",
    "谢宝林",
    "沈凤英",
    "姜德胜",
)
BANK = "吉林农村商业银行南关支行"


def historical_household(
    created_by,
    *,
    name: str,
    id_number: str,
    village: str,
    kind: str,
    amount: Decimal,
    start: date,
    account: str,
    members: int = 2,
    head_work_ability: str = "partial",
    head_wages: Decimal = Decimal("0"),
    others: Sequence[tuple[str, str, str, str, bool]] = (),
) -> Beneficiary:
    """A household approved before the system: application, members, roster row,
    entitlement. ``others`` are the members besides the head as (name, ID number,
    relationship, work ability, student); the demo gives ``members`` as their number plus
    the head, so that the roster row and the facts the rules read agree."""
    application = Application.objects.create(
        division_id=village,
        address=f"幸福路{int(id_number[-4:-1]) % 90 + 1}号",
        hukou_type="urban",
        assistance_type=kind,
        channel="counter",
        status=ApplicationStatus.SUBMITTED,
        created_by=created_by,
        phone=f"1370431{id_number[-5:-1]}",  # a demo mobile number (texts go to a file)
    )
    head = _member(application, name, id_number, "head", head_work_ability, student=False)
    if head_wages:
        Income.objects.create(member=head, category="wages", monthly_amount=head_wages)
    for other in others:
        _member(application, *other)
    beneficiary = Beneficiary.objects.create(
        application=application,
        division_id=village,
        assistance_type=kind,
        head_name=name,
        head_id_number=id_number,
        initials=initials_of(name),
        members=members,
        start_month=start,
        stability=Stability.STABLE,
        next_review_on=add_months(start, 12),
        payee_name=name,
        bank_name=BANK if account else "",
        account_number=account,
    )
    Entitlement.objects.create(
        beneficiary=beneficiary,
        effective_month=start,
        status=EntitlementStatus.PAYING,
        monthly_amount=amount,
        reason="系统上线前审批",
    )
    return beneficiary


def _member(
    application: Application,
    name: str,
    id_number: str,
    relationship: str,
    work_ability: str,
    student: bool,
) -> Member:
    identity = parse_id_number(id_number)
    return Member.objects.create(
        application=application,
        name=name,
        id_number=id_number,
        relationship=relationship,
        birth_date=identity.birth_date,
        sex=identity.sex,
        work_ability=work_ability,
        student=student,
    )


def _id(n: int, year: int | None = None, serial: int = 300) -> str:
    body = f"220102{year or 1950 + n:04d}0{1 + n % 9}{10 + n:02d}{serial + n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _facts(n: int, name: str, rng: random.Random) -> dict:
    """The facts of demo household ``n``, chosen so that the type it is on is the one its
    facts give: a 特困 household is one elderly person with no work ability, no income and
    no supporter; a 低保 household has a working-age head earning a little (an income, so
    never 特困 whatever his age) and, in some, a spouse and a schoolchild."""
    if n % 6 == 0:
        return {"id_number": _id(n), "head_work_ability": "none", "members": 1}
    others = []
    if n % 3:
        others.append((name[0] + "小" + name[-1], _id(n, 2012 + n % 5, 600), "child", "none", True))
    if n % 2:
        spouse = NAMES[(n + 9) % len(NAMES)]
        others.append((spouse, _id(n, 1975 + n % 10, 700), "spouse", "partial", False))
    wages = Decimal(rng.randrange(100, 400) * (1 + len(others))).quantize(Decimal("0.01"))
    return {
        "id_number": _id(n, 1970 + n),
        "head_work_ability": "partial",
        "head_wages": wages,
        "others": tuple(others),
        "members": 1 + len(others),
    }


@transaction.atomic
def enrol_disclosed() -> None:
    """Enrol the households whose disclosure the assistance demo confirmed, by the village
    staff who confirmed it — what ``enrolment.disclosure_publish`` does in one step (the
    assistance demo, below benefits, completes the step through assistance's service)."""
    done = Task.objects.filter(step="disclose", status=TaskStatus.DONE, case__process="assist")
    for task in done.select_related("completed_by").order_by("completed_at", "pk"):
        application = (
            Application.objects.filter(case_id=task.case_id, beneficiary__isnull=True)
            .select_related("decision")
            .first()
        )
        if application is not None:
            enrol(application, task.completed_by)


def load() -> str:
    """Idempotent: does nothing if the demo township already has issued rolls."""
    enrol_disclosed()
    if PaymentRoll.objects.filter(division_id=TOWNSHIP).exists():
        return "已存在 already loaded"
    ensure_parameters()
    caseworker = User.objects.get(username="caseworker")
    approver = User.objects.get(username="approver")
    rng = random.Random(2020)
    this_month = month_of(timezone.localdate())
    first = add_months(this_month, -12)
    homes = []
    for n, name in enumerate(NAMES):
        kind = "tekun" if n % 6 == 0 else "dibao"
        start = add_months(first, rng.choice((0, 0, 0, 2, 5)))
        home = historical_household(
            caseworker,
            name=name,
            village=VILLAGES[n % 2],
            kind=kind,
            amount=Decimal("0.00"),  # the rules' amount, just below
            start=start,
            account=f"62210{rng.randrange(10**10, 10**11)}",
            **_facts(n, name, rng),
        )
        # the amount its approval gave: what the rules give for its facts (a recalculation
        # with the same parameters then finds nothing to change)
        proposal = proposal_for(home.application, start)
        if proposal.assistance_type != kind or proposal.monthly_amount is None:
            raise RuntimeError(f"demo household {name}: the rules give {proposal}, not {kind}")
        home.entitlements.update(monthly_amount=proposal.monthly_amount)
        homes.append(home)
    # two past review outcomes (entitlements as the review path writes them)
    Entitlement.objects.create(
        beneficiary=homes[1],
        effective_month=add_months(first, 6),
        status=EntitlementStatus.PHASING_OUT,
        monthly_amount=homes[1].entitlements.get().monthly_amount,
        reason="就业后收入超过标准，渐退 3 个月",
    )
    Entitlement.objects.create(
        beneficiary=homes[1],
        effective_month=add_months(first, 9),
        status=EntitlementStatus.STOPPED,
        monthly_amount=0,
        reason="渐退期满",
    )
    transitions.set_household_status(homes[1], BeneficiaryStatus.STOPPED)
    Beneficiary.objects.filter(pk=homes[2].pk).update(next_review_on=this_month)
    # demo households of the assistance demo approved today get accounts too
    for b in Beneficiary.objects.filter(account_number=""):
        Beneficiary.objects.filter(pk=b.pk).update(
            bank_name=BANK, account_number=f"62210{rng.randrange(10**10, 10**11)}"
        )
    rolls = 0
    returns_demo.ensure_layout(first)
    for i in range(12):
        month = add_months(first, i)
        roll = roll_issue(actor=approver, township_code=TOWNSHIP, month=month, today=month)
        rolls += 1
        if i == 8:  # a closed account: corrected, so the next roll pays it again
            returns_demo.bank_returns(caseworker, roll, homes[3], "E01")
            returns_demo.account_corrected(
                caseworker, homes[3], f"62210{rng.randrange(10**10, 10**11)}"
            )
        if i == 11:  # the last roll: a name mismatch, still waiting for the account
            returns_demo.bank_returns(caseworker, roll, homes[4], "E02")
    return f"{len(homes)} 户 households, {rolls} 期 rolls issued, 2 笔退票 returned payments"
