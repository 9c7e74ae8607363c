"""Return files as a bank writes them, and the layouts that read them, for the tests of
payments returned by the bank (test_returns*.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from yimen.benefits.models import PaymentRoll, ReturnFileLayout
from yimen.benefits.returns_demo import HEADER, layout_values
from yimen.benefits.services.returns import transfer_reference


def bank_layout(division: str, **overrides) -> ReturnFileLayout:
    """The demo bank's layout (``HEADER``: GBK, dates as 20261207), in force since 2020."""
    values = {"division_id": division, "valid_from": date(2020, 1, 1), **layout_values()}
    values.update(overrides)
    return ReturnFileLayout.objects.create(**values)


def net_paid(roll: PaymentRoll, home) -> Decimal:
    return sum((ln.amount for ln in roll.lines.filter(beneficiary=home)), Decimal("0"))


def return_row(
    roll: PaymentRoll,
    home,
    *,
    code: str = "E01",
    amount: Decimal | None = None,
    account: str | None = None,
    reference: str | None = None,
    on: str = "20261215",
) -> list[str]:
    """One line of a return file sending back ``home``'s transfer of ``roll``."""
    paid = net_paid(roll, home) if amount is None else amount
    line = roll.lines.filter(beneficiary=home).first()
    return [
        transfer_reference(roll.division_id, roll.month, home.pk)
        if reference is None
        else reference,
        (line.account_number if line else home.account_number) if account is None else account,
        home.payee_name,
        f"{paid:.2f}",
        code,
        {"E01": "账户已销户", "E02": "户名不符", "E03": "账户冻结"}.get(code, "其他"),
        on,
    ]


def csv_bytes(rows: list[list[str]], encoding: str = "gbk", header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    total = sum((Decimal(r[3]) for r in rows if r[3].replace(".", "").isdigit()), Decimal("0"))
    writer.writerow(["合计", "", "", f"{total:.2f}", "", "", ""])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def returned_batch(actor, roll: PaymentRoll, home):
    """The bank's file returning ``home``'s transfer of ``roll``, imported by ``actor`` (a
    payment clerk of the roll's township) with a layout set for that township."""
    from yimen.benefits.services.returns import returns_import

    bank_layout(roll.division_id, valid_from=date(2019, 1, 1))
    return returns_import(
        actor=actor,
        township_code=roll.division_id,
        file_name="退票.csv",
        data=csv_bytes([return_row(roll, home, on=f"{roll.month:%Y%m}15")]),
        today=roll.month,
    ).batch
