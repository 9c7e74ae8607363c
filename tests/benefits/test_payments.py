"""Payment rolls: who is paid when, immutability, adjustments, files, ledger to the fen."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.benefits.conftest import quick_household
from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from tests.web.pdfcheck import assert_readable
from yimen.accounts.roles import Role
from yimen.benefits.exports import bank_csv, bank_xlsx, roll_pdf
from yimen.benefits.models import (
    Entitlement,
    EntitlementStatus,
    FundLedgerEntry,
    PaymentLine,
    PaymentRoll,
)
from yimen.benefits.models.payments import ImmutableError
from yimen.benefits.selectors import funds_by_month
from yimen.benefits.services.payments import (
    adjustment_add,
    reconcile,
    roll_compute,
    roll_issue,
)
from yimen.errors import Conflict, Forbidden, Invalid
from yimen.months import add_months
from yimen.regions.codes import Level
from yimen.regions.models import Division

pytestmark = pytest.mark.django_db
DEC = date(2026, 12, 1)


def issue(staff, month, today=None):
    return roll_issue(
        actor=staff.approver, township_code=NANLING, month=month, today=today or month
    )


def test_payment_starts_the_month_after_approval(staff):
    home = quick_household(staff.caseworker, start=date(2027, 1, 1))
    assert home.pk not in {ln.beneficiary_id for ln in roll_compute(NANLING, DEC).lines}
    assert [ln.amount for ln in roll_compute(NANLING, date(2027, 1, 1)).lines] == [
        Decimal("500.00")
    ]


def test_issued_roll_and_ledger_agree_and_are_final(staff):
    quick_household(staff.caseworker, amount=Decimal("500.00"))
    quick_household(staff.caseworker, amount=Decimal("812.35"), kind="tekun", name="李四")
    roll = issue(staff, DEC)
    assert (roll.households, roll.total_amount) == (2, Decimal("1312.35"))
    ledger = {e.assistance_type: (e.households, e.amount) for e in roll.ledger.all()}
    assert ledger == {"dibao": (1, Decimal("500.00")), "tekun": (1, Decimal("812.35"))}
    assert reconcile() == []
    line = roll.lines.first()
    with pytest.raises(ImmutableError):
        line.amount = Decimal("1")
        line.save()
    with pytest.raises(ImmutableError):
        PaymentLine.objects.filter(roll=roll).update(amount=Decimal("0"))
    with pytest.raises(ImmutableError):
        PaymentRoll.objects.filter(pk=roll.pk).delete()
    with pytest.raises(Conflict):
        issue(staff, DEC)
    assert PaymentRoll.objects.count() == 1


def test_only_the_approver_issues_and_not_far_ahead(staff):
    quick_household(staff.caseworker)
    with pytest.raises(Forbidden):
        roll_issue(actor=staff.caseworker, township_code=NANLING, month=DEC, today=DEC)
    with pytest.raises(Forbidden):
        roll_issue(actor=staff.approver, township_code=ZIQIANG, month=DEC, today=DEC)
    with pytest.raises(Invalid):
        roll_issue(actor=staff.approver, township_code=NANLING, month=date(2027, 2, 1), today=DEC)
    assert PaymentRoll.objects.count() == 0


def test_missing_account_blocks_the_roll_with_the_names(staff):
    quick_household(staff.caseworker, name="赵六", account="")
    with pytest.raises(Invalid) as refused:
        issue(staff, DEC)
    assert "赵六" in refused.value.render("zh-hans")
    assert PaymentRoll.objects.count() == 0 and FundLedgerEntry.objects.count() == 0


def test_an_adjustment_is_paid_in_the_next_roll_only(staff):
    home = quick_household(staff.caseworker)
    issue(staff, DEC)
    adjustment_add(
        actor=staff.caseworker, beneficiary_id=home.pk, amount=Decimal("120.00"), reason="补发"
    )
    january = issue(staff, date(2027, 1, 1))
    assert january.total_amount == Decimal("620.00")
    february = issue(staff, date(2027, 2, 1))
    assert february.total_amount == Decimal("500.00")
    assert reconcile() == []


def test_a_recovery_larger_than_the_payment_waits(staff):
    home = quick_household(staff.caseworker)
    adjustment_add(
        actor=staff.caseworker, beneficiary_id=home.pk, amount=Decimal("-600.00"), reason="追回"
    )
    roll = issue(staff, DEC)
    assert roll.total_amount == Decimal("500.00")
    assert home.adjustments.get().settled_in is None


def test_bad_adjustments_are_refused(staff):
    home = quick_household(staff.caseworker)
    for amount, reason in ((Decimal("0"), "x"), (Decimal("1.234"), "x"), (Decimal("5"), " ")):
        with pytest.raises(Invalid):
            adjustment_add(
                actor=staff.caseworker, beneficiary_id=home.pk, amount=amount, reason=reason
            )
    assert home.adjustments.count() == 0


def test_bank_files_and_summary_read_back(staff):
    quick_household(staff.caseworker, amount=Decimal("500.00"), name="王小明")
    quick_household(staff.caseworker, amount=Decimal("812.35"), name="李四")
    roll = issue(staff, DEC)
    rows = list(csv.reader(io.StringIO(bank_csv(roll).decode("utf-8-sig"))))
    assert rows[0][1] == "收款人 Payee"
    assert sorted(r[4] for r in rows[1:-1]) == ["500.00", "812.35"]
    assert rows[-1][4] == "1312.35"
    gb = bank_csv(roll, "gb18030").decode("gb18030")
    assert "王小明" in gb
    sheet = load_workbook(io.BytesIO(bank_xlsx(roll))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1][4] == pytest.approx(1312.35)
    text = PdfReader(io.BytesIO(roll_pdf(roll))).pages[0].extract_text()
    assert "1312.35" in text and "2026年12月" in text
    assert_readable(roll_pdf(roll), lines=("1312.35 元",), texts=("签发人", "盖章处"))


def test_funds_by_month_reads_the_ledger(staff):
    quick_household(staff.caseworker, amount=Decimal("500.00"))
    issue(staff, DEC)
    issue(staff, date(2027, 1, 1))
    rows = funds_by_month("220102000000", DEC, date(2027, 1, 1))
    assert [(r.month, r.assistance_type, r.households, r.amount) for r in rows] == [
        (DEC, "dibao", 1, Decimal("500.00")),
        (date(2027, 1, 1), "dibao", 1, Decimal("500.00")),
    ]


def test_reconcile_notices_a_ledger_written_behind_its_back(staff):
    quick_household(staff.caseworker)
    roll = issue(staff, DEC)
    FundLedgerEntry.objects.bulk_create(
        [
            FundLedgerEntry(
                division_id=NANLING,
                month=DEC,
                assistance_type="tekun",
                households=1,
                amount=Decimal("0.01"),
                roll=roll,
            )
        ]
    )
    assert [m.what for m in reconcile()] == ["ledger tekun"]


_townships = itertools.count(50)


def _fresh_township() -> tuple[str, str]:
    """A township of its own for each generated example (rolls are final, never deleted)."""
    n = next(_townships)
    township = Division.objects.create(
        code=f"220102{n:03d}000", name=f"测试街道{n}", level=Level.TOWNSHIP, parent_id=NANGUAN
    )
    village = Division.objects.create(
        code=f"220102{n:03d}001", name=f"测试社区{n}", level=Level.VILLAGE, parent=township
    )
    return township.code, village.code


STATUSES = st.sampled_from(
    [EntitlementStatus.PAYING, EntitlementStatus.SUSPENDED, EntitlementStatus.STOPPED]
)
DECISION = st.tuples(
    st.integers(0, 2),  # which household
    st.integers(0, 23),  # month index of the decision
    STATUSES,
    st.integers(1, 200_000),  # amount in fen
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    decisions=st.lists(DECISION, max_size=12),
    adjustments=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 23), st.integers(-5_000, 50_000)), max_size=5
    ),
)
def test_random_decisions_over_24_months_reconcile_to_the_fen(staff, decisions, adjustments):
    """Whatever is decided, each roll pays exactly the entitlement in force plus the pending
    adjustments, and the ledger equals the rolls to the fen."""
    start = date(2025, 1, 1)
    township, village = _fresh_township()
    approver = user_with(Role.TOWNSHIP_APPROVER, township)
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, township)
    homes = [quick_household(caseworker, start=start, name=n, division=village) for n in "甲乙丙"]
    by_month: dict[int, list] = {}
    for who, month, status, fen in decisions:
        by_month.setdefault(month, []).append((who, status, fen))
    pending_adj: dict[int, list] = {}
    for who, month, fen in adjustments:
        if fen:
            pending_adj.setdefault(month, []).append((who, fen))
    expected_total = Decimal("0")
    state = {i: (EntitlementStatus.PAYING, 50_000) for i in range(3)}
    carried: list[tuple[int, int]] = []
    for index in range(24):
        month = add_months(start, index)
        for who, status, fen in by_month.get(index, []):
            amount = Decimal(fen) / 100 if status == EntitlementStatus.PAYING else Decimal(0)
            Entitlement.objects.create(
                beneficiary=homes[who],
                effective_month=month,
                status=status,
                monthly_amount=amount,
                reason="随机",
            )
            state[who] = (status, fen if status == EntitlementStatus.PAYING else 0)
        for who, fen in pending_adj.get(index, []):
            adjustment_add(
                actor=caseworker,
                beneficiary_id=homes[who].pk,
                amount=Decimal(fen) / 100,
                reason="随机",
            )
            carried.append((who, fen))
        regular = {
            i: fen
            for i, (status, fen) in state.items()
            if status == EntitlementStatus.PAYING and fen > 0
        }
        paid_fen = sum(regular.values())
        still: list[tuple[int, int]] = []
        for who in range(3):
            mine = [fen for w, fen in carried if w == who]
            if mine and regular.get(who, 0) + sum(mine) >= 0:
                paid_fen += sum(mine)
            else:
                still += [(who, fen) for fen in mine]
        carried = still
        preview = roll_compute(township, month)
        assert preview.total == Decimal(paid_fen) / 100
        if preview.lines:
            roll = roll_issue(actor=approver, township_code=township, month=month, today=month)
            assert roll.total_amount == Decimal(paid_fen) / 100
            expected_total += roll.total_amount
    entries = FundLedgerEntry.objects.filter(division_id=township)
    assert sum((e.amount for e in entries), Decimal("0")) == expected_total
    assert reconcile(township[:9]) == []
