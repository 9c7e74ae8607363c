"""Subsidy card payments the bank sent back (issue 22 item 3, for the subsidy): the return
file of a batch read with the rolls' layouts, each line matched to exactly one payment line
(refused if none or twice), the money back in the subsidy ledger, the unit flagged and
told, its card corrected and the amount paid again by the next batch — the ledger still
reconciling to the fen with the batches, repayments and returns."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from tests.benefits.returns_helpers import bank_layout
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.benefits.errors import ReturnRefused, ReturnRowsRefused
from yimen.benefits.models import ReturnStatus
from yimen.benefits.returns_demo import HEADER
from yimen.notify.dispatch import dispatch_all
from yimen.notify.models import Notice, SmsMessage
from yimen.subsidy.errors import NotAllowed
from yimen.subsidy.models import (
    PaymentReturn,
    RepaymentLine,
    ReturnImport,
    ReturnLedgerEntry,
    Unit,
)
from yimen.subsidy.services import payments
from yimen.subsidy.services.returns import return_card_correct, returns_import

from .conftest import BJ, YUSHU, feed, machine, pit
from .test_services import disclosed

pytestmark = pytest.mark.django_db
AFTER = datetime(2020, 12, 15, 9, tzinfo=BJ)
TODAY = date(2020, 12, 20)


@pytest.fixture(autouse=True)
def clock():
    # the layouts and the import are dated: the clock stands in December 2020
    with time_machine.travel(datetime(2020, 12, 20, 9, 0, tzinfo=BJ), tick=False):
        yield


@pytest.fixture
def paid(world):
    """Two units paid by batch 1 (9,000.00 and 3,750.00), the bank's layout for Yushu."""
    bank_layout(YUSHU)
    first = disclosed(world, feed("120"), machine())
    second = disclosed(world, pit())
    batch = payments.batch_issue(scheme=world.scheme, actor=world.finance, now=AFTER)
    return batch, batch.lines.get(application=first), batch.lines.get(application=second)


def row(line, *, code="E01", amount=None, account=None, reference=None, on="20201221"):
    return [
        line.reference if reference is None else reference,
        line.account_number if account is None else account,
        line.payee_name,
        f"{line.amount if amount is None else amount:.2f}",
        code,
        {"E01": "账户已销户", "E02": "户名与账号不符", "E03": "账户冻结"}.get(code, "其他"),
        on,
    ]


def csv_file(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("gbk")


def imported(world, batch, data, name="退票.csv"):
    return returns_import(actor=world.finance, batch=batch, file_name=name, data=data, today=TODAY)


def test_a_return_credits_the_ledger_flags_and_tells_the_unit(world, paid):
    batch, first, _second = paid
    first.application.unit.account = world.unit_user
    first.application.unit.save(update_fields=["account"])
    with pytest.raises(NotAllowed):  # only the finance officer imports
        returns_import(
            actor=world.reviewer, batch=batch, file_name="x.csv", data=csv_file([row(first)])
        )
    result = imported(world, batch, csv_file([row(first)]))
    assert result.created and result.imported.returns == 1
    assert result.imported.total_amount == Decimal("9000.00")
    [back] = PaymentReturn.objects.all()
    assert (back.line, back.status, back.reason) == (first, ReturnStatus.RETURNED, "account_closed")
    # the money is back in the ledger per item type, as the batch booked it
    assert {e.item_type: e.amount for e in ReturnLedgerEntry.objects.all()} == {
        "feed": Decimal("6000.00"),
        "machine": Decimal("3000.00"),
    }
    assert payments.reconcile(world.scheme) == []
    balance = payments.ledger_balance(world.scheme)
    assert balance.balanced and balance.held == Decimal("3750.00")
    assert balance.awaiting == Decimal("9000.00")
    # audited, and the unit is told in its inbox and by text message, once
    event = AuditEvent.objects.get(event_type=EventType.SUBSIDY_PAYMENT_RETURNED)
    assert event.subject_id == str(first.application_id) and event.reason == "账户已销户"
    assert AuditEvent.objects.filter(event_type=EventType.SUBSIDY_RETURNS_IMPORTED).count() == 1
    dispatch_all()
    [sms] = SmsMessage.objects.filter(kind="subsidy.returned")
    assert "9,000.00" in sms.body and "退回" in sms.body and first.account_number[-4:] in sms.body
    assert first.account_number not in sms.body
    assert Notice.objects.filter(recipient=world.unit_user, kind="subsidy.returned").count() == 1
    dispatch_all()
    assert SmsMessage.objects.filter(kind="subsidy.returned").count() == 1


def test_the_same_file_again_is_the_first_import(world, paid):
    batch, first, _second = paid
    data = csv_file([row(first)])
    one = imported(world, batch, data)
    again = imported(world, batch, data, name="renamed.csv")
    assert not again.created and again.imported == one.imported
    assert ReturnImport.objects.count() == 1 and PaymentReturn.objects.count() == 1


def test_each_line_must_match_exactly_one_payment_line_or_nothing_is_written(world, paid):
    batch, first, second = paid
    rows = [
        row(first),
        row(first),  # twice in the file
        row(second, amount=Decimal("3000.00"), reference=""),  # no such amount to the card
        row(second, reference="YS2020-009-X"),  # no such reference
        row(second, reference="", account="6217000000000000"),  # no payment to this card
    ]
    with pytest.raises(ReturnRowsRefused) as refused:
        imported(world, batch, csv_file(rows))
    lines = {p.line: p.render("en") for p in refused.value.problems}
    assert sorted(lines) == [3, 4, 5, 6]
    assert "line 2" in lines[3]
    assert "3750.00" in lines[4] and "reference" in lines[5] and "card" in lines[6]
    assert not ReturnImport.objects.exists() and not PaymentReturn.objects.exists()
    assert not ReturnLedgerEntry.objects.exists()
    # returned by one file, refused by the next
    imported(world, batch, csv_file([row(first)]))
    with pytest.raises(ReturnRowsRefused) as again:
        imported(world, batch, csv_file([row(first, code="E03")]))
    assert "returned already" in again.value.problems[0].render("en")


def test_the_corrected_card_is_paid_again_once_by_the_next_batch(world, paid):
    batch, first, _second = paid
    imported(world, batch, csv_file([row(first)]))
    unit = Unit.objects.get(pk=first.application.unit_id)
    with pytest.raises(ReturnRefused):  # the closed card is not a correction
        return_card_correct(
            actor=world.finance,
            unit=unit,
            bank_name="榆树农商银行",
            card_number=first.account_number,
            reason="本人到场",
        )
    with pytest.raises(ReturnRefused):  # a reason is needed
        return_card_correct(
            actor=world.finance, unit=unit, bank_name="榆树农商银行", card_number="6217", reason=""
        )
    with pytest.raises(NotAllowed):
        return_card_correct(
            actor=world.surveyor, unit=unit, bank_name="x", card_number="6217", reason="x"
        )
    corrected = return_card_correct(
        actor=world.finance,
        unit=unit,
        bank_name="吉林银行",
        card_number="6217 0000 1111 2222",
        reason="本人持新卡到场，已核对",
    )
    assert [r.status for r in corrected] == [ReturnStatus.CORRECTED]
    unit.refresh_from_db()
    assert (unit.bank_name, unit.card_number) == ("吉林银行", "6217000011112222")
    with pytest.raises(ReturnRefused):  # nothing waits any more
        return_card_correct(
            actor=world.finance, unit=unit, bank_name="x", card_number="1", reason="x"
        )
    # the next batch pays the returned amount again (and nothing new), to the new card
    preview = payments.batch_preview(scheme=world.scheme, actor=world.finance, now=AFTER)
    assert preview.total == Decimal("9000.00") and not preview.applications
    again = payments.batch_issue(scheme=world.scheme, actor=world.finance, now=AFTER)
    [repaid] = RepaymentLine.objects.all()
    assert (repaid.batch, repaid.amount, repaid.account_number) == (
        again,
        Decimal("9000.00"),
        "6217000011112222",
    )
    assert again.total_amount == Decimal("9000.00")
    assert {e.item_type: e.amount for e in again.ledger.all()} == {
        "feed": Decimal("6000.00"),
        "machine": Decimal("3000.00"),
    }
    assert PaymentReturn.objects.get().status == ReturnStatus.REISSUED
    assert "6217000011112222" in payments.bank_csv(again).decode("utf-8-sig")
    from yimen.subsidy.errors import NothingToPay

    with pytest.raises(NothingToPay):  # paid again once
        payments.batch_issue(scheme=world.scheme, actor=world.finance, now=AFTER)
    # the ledger reconciles: batches, repayment, return, all to the fen
    assert payments.reconcile(world.scheme) == []
    balance = payments.ledger_balance(world.scheme)
    assert balance.paid == Decimal("21750.00") and balance.returned == Decimal("9000.00")
    assert balance.balanced and balance.held == Decimal("12750.00") and balance.awaiting == 0


def test_reconcile_sees_a_return_changed_behind_the_ledgers_back(world, paid):
    batch, first, _second = paid
    imported(world, batch, csv_file([row(first)]))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE subsidy_paymentreturn SET amount = 8999.99")
    problems = {p.what for p in payments.reconcile(world.scheme)}
    assert any(p.startswith("return") for p in problems)
    assert not payments.ledger_balance(world.scheme).balanced


# --- pages ---


def login(client, user):
    client.force_login(user)
    return client


def test_the_pages_import_flag_and_correct_in_words(client, world, paid):
    batch, first, _second = paid
    login(client, world.finance)
    page = client.get(f"/subsidy/payments/{batch.pk}/returns/")
    assert page.status_code == 200 and "导入银行退票文件" in page.content.decode()
    bad = client.post(
        f"/subsidy/payments/{batch.pk}/returns/import/",
        {"file": _upload(csv_file([row(first), row(first)]))},
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "refused-lines" in body and "与本文件第 2 行" in body
    assert not PaymentReturn.objects.exists()
    done = client.post(
        f"/subsidy/payments/{batch.pk}/returns/import/", {"file": _upload(csv_file([row(first)]))}
    )
    assert done.status_code == 302
    listed = client.get(f"/subsidy/payments/{batch.pk}/returns/").content.decode()
    assert "账户已销户" in listed and "account_closed" not in listed  # labels, not codes
    app_page = client.get(f"/subsidy/applications/{first.application_id}/").content.decode()
    assert 'id="return-flag"' in app_page and "9,000.00" in app_page
    card = f"/subsidy/units/{first.application.unit_id}/card/"
    refused = client.post(card, {"bank_name": "吉林银行", "card_number": "6217", "reason": ""})
    assert refused.status_code == 400 and "请说明卡号如何更正" in refused.content.decode()
    ok = client.post(
        card, {"bank_name": "吉林银行", "card_number": "6217000011112222", "reason": "本人到场"}
    )
    assert ok.status_code == 302
    assert PaymentReturn.objects.get().status == ReturnStatus.CORRECTED
    preview = client.get(f"/subsidy/payments/?scheme={world.scheme.pk}").content.decode()
    assert 'id="repayments"' in preview and 'id="issue"' in preview


def test_another_county_sees_no_returns_page(client, world, paid):
    batch, first, _second = paid
    login(client, world.outsider)
    assert client.get(f"/subsidy/payments/{batch.pk}/returns/").status_code == 404
    assert client.get(f"/subsidy/units/{first.application.unit_id}/card/").status_code == 404
    # a surveyor of the county sees the page but cannot import
    login(client, world.surveyor)
    refused = client.post(
        f"/subsidy/payments/{batch.pk}/returns/import/", {"file": _upload(csv_file([row(first)]))}
    )
    assert refused.status_code == 403 and not PaymentReturn.objects.exists()


def _upload(data: bytes, name: str = "退票.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_finance_officer_sets_the_counties_layout(client, world):
    from yimen.benefits.models import ReturnFileLayout

    url = f"/subsidy/schemes/{world.scheme.pk}/return-layouts/"
    form = {
        "township": "220102000000",  # ignored: the page sets the scheme's county
        "valid_from": "2020-12-20",
        "encoding": "gbk",
        "header_row": "1",
        "account_column": "卡号",
        "amount_column": "金额",
        "reference_column": "参考号",
        "reason_text_column": "退票原因",
        "amount_unit": "yuan",
        "date_format": "%Y%m%d",
        "reason_codes": "E01=account_closed",
    }
    login(client, world.surveyor)
    page = client.get(url)
    assert page.status_code == 200 and 'id="layout-form"' not in page.content.decode()
    assert client.post(url, form).status_code == 400  # refused: not the finance officer
    assert not ReturnFileLayout.objects.exists()
    login(client, world.finance)
    assert 'id="layout-form"' in client.get(url).content.decode()
    assert client.post(url, form).status_code == 302
    layout = ReturnFileLayout.objects.get()
    assert layout.division_id == YUSHU and layout.account_column == "卡号"
    assert AuditEvent.objects.filter(event_type=EventType.RETURN_LAYOUT_SET).count() == 1
    login(client, world.outsider)
    assert client.get(url).status_code == 404
