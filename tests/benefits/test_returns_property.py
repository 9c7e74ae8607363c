"""Property: over 24 months of rolls with random returns and random corrections, the fund
ledger reconciles with the rolls and the returns to the fen after every month, every
re-issue follows a correction and pays it exactly once, and no household gains or loses a
fen: what it received plus what is still owed to it again is what it was entitled to."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.benefits.conftest import quick_household
from tests.benefits.returns_helpers import bank_layout, csv_bytes, return_row
from tests.benefits.test_payments import _fresh_township
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.benefits.models import (
    FundLedgerEntry,
    FundReturnEntry,
    PaymentLine,
    PaymentReturn,
    ReturnStatus,
)
from yimen.benefits.models.payments import LineKind
from yimen.benefits.services.payments import reconcile, roll_issue
from yimen.benefits.services.returns import return_account_correct, returns_import
from yimen.benefits.services.returns_ledger import fund_months, reconcile_returns
from yimen.months import add_months

ZERO = Decimal("0")
CODES = st.sampled_from(["E01", "E02", "E03", "X99"])


def _sum(rows) -> Decimal:
    return sum((Decimal(r) for r in rows), ZERO)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    amounts=st.lists(st.integers(1, 300_000), min_size=3, max_size=3),
    bounces=st.lists(st.tuples(st.integers(0, 23), st.integers(0, 2), CODES), max_size=14),
    fixes=st.lists(st.tuples(st.integers(0, 23), st.integers(0, 2)), max_size=14),
)
def test_24_months_of_random_returns_reconcile_to_the_fen_each_month(
    staff, amounts, bounces, fixes
):
    start = date(2025, 1, 1)
    township, village = _fresh_township()
    approver = user_with(Role.TOWNSHIP_APPROVER, township)
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, township)
    bank_layout(township)
    homes = [
        quick_household(
            caseworker,
            start=start,
            name=name,
            division=village,
            amount=Decimal(fen) / 100,
            account=f"62220{n}0000000001",
        )
        for n, (name, fen) in enumerate(zip("甲乙丙", amounts, strict=True))
    ]
    bounced: dict[int, dict[int, str]] = defaultdict(dict)
    for index, who, code in bounces:
        bounced[index].setdefault(who, code)
    fixed: dict[int, set[int]] = defaultdict(set)
    for index, who in fixes:
        fixed[index].add(who)
    owed = defaultdict(lambda: ZERO)
    accounts = count(2)
    for index in range(24):
        month = add_months(start, index)
        for who in sorted(fixed[index]):
            home = homes[who]
            if PaymentReturn.objects.filter(beneficiary=home, status=ReturnStatus.RETURNED):
                return_account_correct(
                    actor=caseworker,
                    beneficiary_id=home.pk,
                    payee_name=home.payee_name,
                    bank_name="中国建设银行",
                    number=f"62220{who}{next(accounts):010d}",
                    reason="核实后更正",
                )
        corrected = set(
            PaymentReturn.objects.filter(
                roll__division_id=township, status=ReturnStatus.CORRECTED
            ).values_list("pk", flat=True)
        )
        roll = roll_issue(actor=approver, township_code=township, month=month, today=month)
        for n, fen in enumerate(amounts):
            owed[homes[n].pk] += Decimal(fen) / 100
        # every correction made before this roll is paid again by it, each exactly once
        reissues = list(roll.lines.filter(kind=LineKind.REISSUE).values_list("reference", "amount"))
        assert sorted(int(ref.rsplit("-R", 1)[1]) for ref, _ in reissues) == sorted(corrected)
        for ref, amount in reissues:
            back = PaymentReturn.objects.get(pk=int(ref.rsplit("-R", 1)[1]))
            assert (back.status, back.reissued_in_id, back.amount) == (
                ReturnStatus.REISSUED,
                roll.pk,
                amount,
            )
        rows = [
            return_row(roll, homes[who], code=code, on=f"{month:%Y%m}15")
            for who, code in sorted(bounced[index].items())
        ]
        if rows:
            returns_import(
                actor=caseworker,
                township_code=township,
                file_name=f"{month:%Y%m}.csv",
                data=csv_bytes(rows),
                today=month,
            )
        # the ledger reconciles with the rolls and the returns, to the fen, this month
        assert reconcile(township[:9]) == []
        assert reconcile_returns(township[:9]) == []
        lines = PaymentLine.objects.filter(roll__division_id=township)
        back_all = PaymentReturn.objects.filter(roll__division_id=township)
        paid_out = _sum(lines.values_list("amount", flat=True))
        came_back = _sum(back_all.values_list("amount", flat=True))
        debit = _sum(
            FundLedgerEntry.objects.filter(division_id=township).values_list("amount", flat=True)
        )
        credit = _sum(
            FundReturnEntry.objects.filter(division_id=township).values_list("amount", flat=True)
        )
        assert (debit, credit) == (paid_out, came_back)
        this_month = fund_months(township[:9])[-1]
        assert this_month.month == month and this_month.paid == roll.total_amount
        assert this_month.returned == _sum(
            back_all.filter(batch__month=month).values_list("amount", flat=True)
        )
        # no household gains or loses a fen
        for home in homes:
            received = _sum(lines.filter(beneficiary=home).values_list("amount", flat=True)) - _sum(
                back_all.filter(beneficiary=home).values_list("amount", flat=True)
            )
            outstanding = _sum(
                back_all.filter(beneficiary=home, status__in=ReturnStatus.flagged()).values_list(
                    "amount", flat=True
                )
            )
            assert received + outstanding == owed[home.pk]
