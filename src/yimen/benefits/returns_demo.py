"""Demo of payments the bank sent back: the county's example layout of the paying bank's
return file, a GBK file returning one household's transfer whose account was closed (its
account corrected, the next roll pays it again), and one returning the last roll's
transfer of another household for a name mismatch (flagged, waiting for its account).
Everything goes through the real use cases; ``demo.load`` calls these between its rolls."""

from __future__ import annotations

import io
from datetime import date

from yimen.spreadsheets import csv_writer

from .models import AmountUnit, Beneficiary, FileEncoding, PaymentRoll, ReturnFileLayout
from .services.returns import (
    ImportResult,
    return_account_correct,
    returns_import,
    transfer_reference,
)

COUNTY = "220102000000"  # 南关区
HEADER = ["参考号", "账号", "户名", "金额", "退票代码", "退票原因", "退票日期"]
#: the demo bank's codes (an example: a real bank's list is set on the layouts page)
CODES = {"E01": "account_closed", "E02": "name_mismatch", "E03": "frozen"}
TEXTS = {"E01": "账户已销户", "E02": "户名与账号不符", "E03": "账户冻结"}


def layout_values() -> dict:
    """The columns and formats of the demo bank's file (``HEADER``), dates as 20261207."""
    return {
        "encoding": FileEncoding.GBK,
        "header_row": 1,
        "reference_column": "参考号",
        "account_column": "账号",
        "name_column": "户名",
        "amount_column": "金额",
        "reason_code_column": "退票代码",
        "reason_text_column": "退票原因",
        "date_column": "退票日期",
        "date_format": "%Y%m%d",
        "amount_unit": AmountUnit.YUAN,
        "reason_codes": CODES,
    }


def ensure_layout(valid_from: date) -> ReturnFileLayout:
    """The county's layout, marked as example values to be confirmed with the bank."""
    layout, _created = ReturnFileLayout.objects.get_or_create(
        division_id=COUNTY,
        bank_name="",
        valid_from=valid_from,
        defaults={**layout_values(), "example": True},
    )
    return layout


def return_file(roll: PaymentRoll, home: Beneficiary, code: str, on: date) -> bytes:
    """The bank's return file (GBK CSV) sending back ``home``'s transfer of ``roll``."""
    amount = sum(line.amount for line in roll.lines.filter(beneficiary=home))
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow(
        [
            transfer_reference(roll.division_id, roll.month, home.pk),
            home.account_number,
            home.payee_name,
            f"{amount:.2f}",
            code,
            TEXTS[code],
            f"{on:%Y%m%d}",
        ]
    )
    writer.writerow(["合计", "", "", f"{amount:.2f}", "", "", ""])
    return buffer.getvalue().encode("gbk")


def bank_returns(caseworker, roll: PaymentRoll, home: Beneficiary, code: str) -> ImportResult:
    """Import the bank's file returning ``home``'s transfer of ``roll``, booked that month."""
    on = roll.month.replace(day=10)
    return returns_import(
        actor=caseworker,
        township_code=roll.division_id,
        file_name=f"退票-{roll.month:%Y%m}.csv",
        data=return_file(roll, home, code, on),
        today=on,
    )


def account_corrected(caseworker, home: Beneficiary, new_account: str) -> None:
    return_account_correct(
        actor=caseworker,
        beneficiary_id=home.pk,
        payee_name=home.payee_name,
        bank_name=home.bank_name,
        number=new_account,
        reason="户主持新开立的银行卡到街道核实，已更正账户",
    )
