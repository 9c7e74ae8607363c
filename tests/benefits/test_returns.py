"""Payments returned by the bank: matching each line to one payment, all or nothing,
idempotent re-import, GBK CSV and Excel, the ledger to the fen, flags and notices, and the
re-issue after the account is corrected — only then, and once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.benefits.conftest import quick_household
from tests.benefits.returns_helpers import (
    bank_layout,
    csv_bytes,
    net_paid,
    return_row,
    xlsx_bytes,
)
from tests.factories import NANGUAN, NANLING
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.benefits.errors import ReturnFileRefused, ReturnRefused, ReturnRowsRefused
from yimen.benefits.models import (
    FundReturnEntry,
    PaymentReturn,
    ReturnBatch,
    ReturnReason,
    ReturnStatus,
)
from yimen.benefits.models.payments import LineKind
from yimen.benefits.selectors import households_with_open_returns
from yimen.benefits.services.payments import reconcile, roll_compute, roll_issue
from yimen.benefits.services.returns import return_account_correct, returns_import
from yimen.benefits.services.returns_ledger import fund_months, reconcile_returns
from yimen.errors import Forbidden, NotFound
from yimen.notify.dispatch import dispatch_all
from yimen.notify.models import SmsMessage

pytestmark = pytest.mark.django_db
NOV, DEC, JAN, FEB = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)


def issue(staff, month):
    return roll_issue(actor=staff.approver, township_code=NANLING, month=month, today=month)


def imported(staff, data, name="退票.csv", today=DEC, **kwargs):
    return returns_import(
        actor=staff.caseworker,
        township_code=NANLING,
        file_name=name,
        data=data,
        today=today,
        **kwargs,
    )


@pytest.fixture
def paid(staff):
    """Two households paid by the roll of December 2026, read with the bank's layout."""
    bank_layout(NANGUAN)
    homes = [
        quick_household(staff.caseworker, name="王小明", account="6222020200112233"),
        quick_household(
            staff.caseworker, name="李四", amount=Decimal("812.35"), account="6222020200445566"
        ),
    ]
    return homes, issue(staff, DEC)


def problems_of(refused: pytest.ExceptionInfo) -> dict[int, str]:
    """Line → its problems in English, one after the other."""
    found: dict[int, str] = {}
    for p in refused.value.problems:
        found[p.line] = f"{found.get(p.line, '')} {p.render('en')}".strip()
    return found


def test_a_return_books_the_money_back_flags_and_audits(staff, paid):
    (wang, li), roll = paid
    result = imported(staff, csv_bytes([return_row(roll, li, code="E01")]))
    assert result.created
    item = PaymentReturn.objects.get()
    assert (item.beneficiary_id, item.roll_id, item.amount) == (li.pk, roll.pk, Decimal("812.35"))
    assert (item.reason, item.bank_code, item.bank_text) == (
        ReturnReason.ACCOUNT_CLOSED,
        "E01",
        "账户已销户",
    )
    assert item.returned_on == date(2026, 12, 15) and item.row_number == 2
    assert item.status == ReturnStatus.RETURNED
    entry = FundReturnEntry.objects.get()
    assert (entry.roll_id, entry.amount, entry.households, entry.month) == (
        roll.pk,
        Decimal("812.35"),
        1,
        DEC,
    )
    assert households_with_open_returns([wang.pk, li.pk]) == {li.pk}
    assert reconcile() == [] and reconcile_returns() == []
    [month] = fund_months()
    assert (month.paid, month.returned, month.net) == (
        Decimal("1312.35"),
        Decimal("812.35"),
        Decimal("500.00"),
    )
    returned = AuditEvent.objects.get(event_type=EventType.PAYMENT_RETURNED)
    assert returned.subject_id == str(li.pk) and returned.actor_id == staff.caseworker.pk
    assert returned.new["amount"] == "812.35" and returned.reason == "账户已销户"
    assert AuditEvent.objects.filter(event_type=EventType.RETURNS_IMPORTED).count() == 1


def test_the_household_is_told_by_text_message(staff, paid):
    (_wang, li), roll = paid
    dispatch_all()  # the roll's own notices first
    imported(staff, csv_bytes([return_row(roll, li, code="E02")]))
    dispatch_all()
    [sms] = SmsMessage.objects.filter(kind="benefits.returned")
    assert sms.phone == li.application.phone
    assert "812.35" in sms.body and "退回" in sms.body and "户名与账号不符" in sms.body
    assert "5566" in sms.body  # the account's last four digits, never the whole number
    assert "6222020200445566" not in sms.body
    dispatch_all()
    assert SmsMessage.objects.filter(kind="benefits.returned").count() == 1  # once


def test_each_line_must_match_exactly_one_payment(staff, paid):
    (wang, li), roll = paid
    rows = [
        return_row(roll, wang, reference=f"{NANLING}-202612-999999"),  # line 2: none
        return_row(roll, li, amount=Decimal("812.00")),  # line 3: amount differs
        return_row(roll, wang, account="6222999900001111"),  # line 4: another account
        return_row(roll, li),  # line 5: fine
        return_row(roll, li),  # line 6: the same payment again
        ["", "62220abc", "某", "x", "E01", "", "2026-12-15"],  # line 7: unreadable
    ]
    with pytest.raises(ReturnRowsRefused) as refused:
        imported(staff, csv_bytes(rows))
    found = problems_of(refused)
    assert sorted(found) == [2, 3, 4, 6, 7]
    assert "reference" in found[2]
    assert "812.00" in found[3] and "812.35" in found[3]
    assert "not the account paid" in found[4]
    assert "line 5" in found[6]
    assert "not a number" in found[7] and "not a positive amount in Yuan" in found[7]
    zh = {p.line: p.render("zh-hans") for p in refused.value.problems}
    assert "812.35" in zh[3] and zh[3] != found[3]  # the same refusal in Chinese
    # nothing of the file was written
    assert not ReturnBatch.objects.exists() and not PaymentReturn.objects.exists()
    assert not FundReturnEntry.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.PAYMENT_RETURNED).exists()


def test_a_payment_returned_already_is_refused_by_another_file(staff, paid):
    (wang, li), roll = paid
    imported(staff, csv_bytes([return_row(roll, li)]), name="a.csv")
    with pytest.raises(ReturnRowsRefused) as refused:
        imported(staff, csv_bytes([return_row(roll, wang), return_row(roll, li, code="E03")]))
    assert list(problems_of(refused)) == [3]
    assert "returned already" in problems_of(refused)[3] and "a.csv" in problems_of(refused)[3]
    assert PaymentReturn.objects.count() == 1


def test_reimporting_the_same_file_is_idempotent(staff, paid):
    (_wang, li), roll = paid
    data = csv_bytes([return_row(roll, li)])
    first = imported(staff, data)
    events = AuditEvent.objects.count()
    again = imported(staff, data, name="renamed.csv")
    assert not again.created and again.batch.pk == first.batch.pk
    assert (ReturnBatch.objects.count(), PaymentReturn.objects.count()) == (1, 1)
    assert FundReturnEntry.objects.count() == 1 and AuditEvent.objects.count() == events
    assert reconcile_returns() == []


def test_without_references_account_and_amount_must_single_out_the_payment(staff, paid):
    (wang, _li), dec = paid
    jan = issue(staff, JAN)  # 王小明 is paid 500.00 again
    bank_layout(NANLING, reference_column="", valid_from=date(2021, 1, 1))
    twice = return_row(dec, wang, reference="", on="20270115")
    with pytest.raises(ReturnRowsRefused) as refused:
        imported(staff, csv_bytes([twice]), today=JAN)
    assert "matches 2 payments" in problems_of(refused)[2]
    assert "2026-12" in problems_of(refused)[2] and "2027-01" in problems_of(refused)[2]
    # returned on 20 December, the January payment was not yet sent: one payment left
    result = imported(staff, csv_bytes([return_row(dec, wang, reference="", on="20261220")]))
    assert result.batch.items.get().roll_id == dec.pk
    assert jan.pk not in set(PaymentReturn.objects.values_list("roll_id", flat=True))
    with pytest.raises(ReturnRowsRefused) as refused:
        imported(staff, csv_bytes([return_row(dec, wang, reference="", amount=Decimal("1"))]))
    assert "500.00" in problems_of(refused)[2]  # what was paid to that account


def test_gbk_csv_needs_a_gbk_layout(staff, paid):
    (_wang, li), roll = paid
    bank_layout(NANLING, encoding="utf-8", valid_from=date(2021, 1, 1))
    with pytest.raises(ReturnFileRefused) as refused:
        imported(staff, csv_bytes([return_row(roll, li)], encoding="gbk"))
    assert "encoding" in refused.value.render("en")
    result = imported(staff, csv_bytes([return_row(roll, li)], encoding="utf-8-sig"))
    assert result.batch.items.get().bank_text == "账户已销户"


def test_excel_file_by_column_numbers_in_fen(staff, paid):
    (wang, _li), _roll = paid
    bank_layout(
        NANLING,
        valid_from=date(2021, 1, 1),
        bank_name="吉林银行",
        header_row=2,  # a title line above the header
        reference_column="",
        account_column="2",
        name_column="",
        amount_column="3",
        reason_code_column="",
        reason_text_column="4",
        date_column="1",
        date_format="%Y-%m-%d",
        amount_unit="fen",
        reason_codes={},
    )
    general = bank_layout(NANLING, valid_from=date(2021, 1, 2))
    data = xlsx_bytes(
        [
            ["吉林银行代发退票清单"],
            ["日期", "账号", "金额（分）", "原因"],
            [date(2026, 12, 16), 6222020200112233, 50000, "账户冻结"],
        ]
    )
    with pytest.raises(ReturnFileRefused):  # the general layout names other columns
        imported(staff, data, name="退票.xlsx", layout_id=general.pk)
    from yimen.benefits.services.return_layouts import layouts_in_force

    chosen = next(x for x in layouts_in_force(NANLING, DEC) if x.bank_name == "吉林银行")
    result = imported(staff, data, name="退票.xlsx", layout_id=chosen.pk)
    item = result.batch.items.get()
    assert (item.beneficiary_id, item.amount, item.reason) == (
        wang.pk,
        Decimal("500.00"),
        ReturnReason.OTHER,  # no code: the bank's text is kept
    )
    assert item.bank_text == "账户冻结" and item.returned_on == date(2026, 12, 16)


def test_files_that_cannot_be_read_are_refused(staff, paid):
    with pytest.raises(ReturnFileRefused):
        imported(staff, b"not a spreadsheet", name="x.xlsx")
    with pytest.raises(ReturnFileRefused):
        imported(staff, b"a,b", name="x.txt")
    with pytest.raises(ReturnFileRefused) as refused:
        imported(staff, csv_bytes([], header=["账号", "金额"]))
    assert "参考号" in refused.value.render("en")
    with pytest.raises(ReturnFileRefused):  # a header and a totals line: nothing returned
        imported(staff, csv_bytes([]))
    assert not ReturnBatch.objects.exists()


def test_only_the_townships_payment_staff_import(staff, paid):
    (_wang, li), roll = paid
    data = csv_bytes([return_row(roll, li)])
    with pytest.raises(NotFound):
        returns_import(
            actor=staff.other_caseworker, township_code=NANLING, file_name="a.csv", data=data
        )
    with pytest.raises(Forbidden):
        returns_import(actor=staff.supervisor, township_code=NANLING, file_name="a.csv", data=data)
    with pytest.raises(NotFound):
        returns_import(actor=staff.caseworker, township_code=NANGUAN, file_name="a.csv", data=data)
    assert not PaymentReturn.objects.exists()


def test_reissued_only_after_the_correction_and_only_once(staff, paid):
    (wang, li), dec = paid
    imported(staff, csv_bytes([return_row(dec, li)]))
    january = roll_compute(NANLING, JAN)
    assert not [ln for ln in january.lines if ln.kind == LineKind.REISSUE]
    assert january.returned_accounts == ["李四"]  # warned: the account is not corrected yet
    jan = issue(staff, JAN)
    assert not jan.lines.filter(kind=LineKind.REISSUE).exists()
    with pytest.raises(ReturnRefused):  # the closed account again
        correct(staff, li, "6222020200445566")
    with pytest.raises(ReturnRefused):  # no reason
        correct(staff, li, "6222020200778899", reason=" ")
    with pytest.raises(NotFound):
        correct(staff, li, "6222020200778899", actor=staff.other_caseworker)
    with pytest.raises(ReturnRefused):  # 王小明 has nothing waiting
        correct(staff, wang, "6222020200778899")
    [done] = correct(staff, li, "6222020200778899")
    assert done.status == ReturnStatus.CORRECTED and done.corrected_by == staff.caseworker
    assert AuditEvent.objects.filter(event_type=EventType.RETURN_ACCOUNT_CORRECTED).exists()
    with pytest.raises(ReturnRefused):  # corrected already: nothing waits
        correct(staff, li, "6222020200778800")
    feb = issue(staff, FEB)
    [again] = feb.lines.filter(kind=LineKind.REISSUE)
    assert (again.beneficiary_id, again.amount, again.account_number) == (
        li.pk,
        Decimal("812.35"),
        "6222020200778899",
    )
    assert again.reference == f"202702-{li.pk}-R{done.pk}"
    done.refresh_from_db()
    assert (done.status, done.reissued_in_id) == (ReturnStatus.REISSUED, feb.pk)
    assert households_with_open_returns([li.pk]) == set()  # the flag is cleared
    march = roll_compute(NANLING, date(2027, 3, 1))
    assert not [ln for ln in march.lines if ln.kind == LineKind.REISSUE]  # never twice
    assert reconcile() == [] and reconcile_returns() == []


def test_a_reissue_can_come_back_too(staff, paid):
    (_wang, li), dec = paid
    imported(staff, csv_bytes([return_row(dec, li)]))
    correct(staff, li, "6222020200778899")
    jan = issue(staff, JAN)  # 812.35 of January and 812.35 paid again
    assert net_paid(jan, li) == Decimal("1624.70")
    imported(staff, csv_bytes([return_row(jan, li, code="E03", on="20270112")]), today=JAN)
    back = PaymentReturn.objects.get(roll=jan)
    assert back.amount == Decimal("1624.70") and back.reason == ReturnReason.FROZEN
    correct(staff, li, "6222020200778899")  # unfrozen: the same account may be used
    feb = issue(staff, FEB)
    assert [ln.amount for ln in feb.lines.filter(kind=LineKind.REISSUE)] == [Decimal("1624.70")]
    assert reconcile() == [] and reconcile_returns() == []


def test_reconciliation_finds_a_booking_that_does_not_match(staff, paid):
    (_wang, li), roll = paid
    batch = imported(staff, csv_bytes([return_row(roll, li)])).batch
    FundReturnEntry.objects.create(
        division_id=NANLING,
        month=DEC,
        assistance_type="tekun",
        households=1,
        amount=Decimal("0.01"),
        roll=roll,
        batch=batch,
    )
    assert [m.what for m in reconcile_returns()] == ["returned tekun"]


def correct(staff, home, number, reason="户主持新卡到街道核实", actor=None):
    return return_account_correct(
        actor=actor or staff.caseworker,
        beneficiary_id=home.pk,
        payee_name=home.payee_name,
        bank_name="中国农业银行南关支行",
        number=number,
        reason=reason,
    )
