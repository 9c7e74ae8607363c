"""Files for the bank and the civil-affairs bureau: the roster (花名册) in Excel, the bank
payment file in CSV and Excel, and the roll's PDF summary. Amounts are written as numbers
with two decimals; the totals row lets the bank check the file against the transfer."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone, translation
from openpyxl import Workbook

from yimen.assistance.choices import AssistanceType
from yimen.assistance.notices import render_pdf
from yimen.money import format_yuan, yuan_in_capitals
from yimen.months import month_of
from yimen.spreadsheets import csv_writer, xlsx_append

from .models import PaymentRoll
from .services.roster import entitlements_in_force

CENT = Decimal("0.01")
ROSTER_HEADER = [
    "序号 No.",
    "区划代码 Division",
    "村（社区） Village",
    "户主姓名 Head",
    "身份证号 ID number",
    "救助类型 Type",
    "保障人数 Members",
    "月保障金 Monthly (yuan)",
    "起始月份 From",
    "状态 Status",
    "开户行 Bank",
    "账号 Account",
]
BANK_HEADER = [
    "序号 No.",
    "收款人 Payee",
    "开户行 Bank",
    "账号 Account",
    "金额 Amount",
    "参考号 Reference",
]


def _xlsx(rows: list[list], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        xlsx_append(sheet, row)  # names as text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_xlsx(beneficiaries: QuerySet) -> bytes:
    """The roster as Excel; this month's amounts read in one query, not one per row."""
    month = month_of(timezone.localdate())
    amounts = entitlements_in_force(beneficiaries.values("pk"), month)  # a subquery
    rows: list[list] = [ROSTER_HEADER]
    for n, b in enumerate(beneficiaries, start=1):
        _status, amount = amounts.get(b.pk, ("", Decimal("0")))
        rows.append(
            [
                n,
                b.division_id,
                b.division.name,
                b.head_name,
                b.head_id_number,
                str(AssistanceType(b.assistance_type).label),
                b.members,
                float(amount),
                f"{b.start_month:%Y-%m}",
                str(b.get_status_display()),
                b.bank_name,
                b.account_number,
            ]
        )
    return _xlsx(rows, "花名册")


def _bank_rows(roll: PaymentRoll) -> list[list]:
    net: dict[int, Decimal] = {}
    first = {}
    for line in roll.lines.order_by("reference"):
        net[line.beneficiary_id] = net.get(line.beneficiary_id, Decimal("0")) + line.amount
        first.setdefault(line.beneficiary_id, line)
    rows: list[list] = []
    for n, (pk, line) in enumerate(sorted(first.items()), start=1):
        if net[pk] == 0:
            continue
        reference = f"{roll.division_id}-{roll.month:%Y%m}-{pk}"
        rows.append([n, line.payee_name, line.bank_name, line.account_number, net[pk], reference])
    return rows


def bank_csv(roll: PaymentRoll, encoding: str = "utf-8-sig") -> bytes:
    """CSV for the bank: UTF-8 with BOM by default (Excel), or GB18030 if the bank asks."""
    return bank_file_csv(_bank_rows(roll), encoding)


def bank_file_csv(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    """The bank's CSV of any payment batch: rows of [No., payee, bank, account, Decimal
    amount, reference], then the totals row the bank checks the transfer against. The
    subsidy's batches (subsidy app) are written by the same function as the rolls."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")  # a payee cannot become a formula
    writer.writerow(BANK_HEADER)
    for row in rows:
        # the amount as a number with two decimals (a Decimal, so a reversal's "-12.00" stays
        # the number the bank format asks for instead of being quoted as text)
        writer.writerow([*row[:4], row[4].quantize(CENT), row[5]])
    total = sum((row[4] for row in rows), Decimal("0"))
    writer.writerow(["合计 Total", len(rows), "", "", total.quantize(CENT), ""])
    return buffer.getvalue().encode(encoding)


def bank_xlsx(roll: PaymentRoll) -> bytes:
    return bank_file_xlsx(_bank_rows(roll))


def bank_file_xlsx(rows: list[list]) -> bytes:
    """The same rows as ``bank_file_csv``, as an Excel sheet with its totals row."""
    total = sum((row[4] for row in rows), Decimal("0"))
    body = [[*row[:4], float(row[4]), row[5]] for row in rows]
    return _xlsx([BANK_HEADER, *body, ["合计 Total", len(rows), "", "", float(total), ""]], "发放")


def roll_pdf(roll: PaymentRoll) -> bytes:
    """The roll's one-page summary for signature and filing."""
    lines = [
        f"乡镇（街道）：{roll.division.name}（{roll.division_id}）",
        f"发放月份：{roll.month:%Y年%m月}",
        f"发放户数：{roll.households} 户",
        f"发放总额：{format_yuan(roll.total_amount, grouped=False)} 元"
        f"（{yuan_in_capitals(roll.total_amount)}）",
    ]
    for entry in roll.ledger.order_by("assistance_type"):
        label = AssistanceType(entry.assistance_type).label
        amount = format_yuan(entry.amount, grouped=False)
        lines.append(f"  {label}：{entry.households} 户，{amount} 元")
    issued = timezone.localtime(roll.issued_at)
    signer = roll.issued_by.get_full_name()
    lines += ["", f"校验码（SHA-256）：{roll.digest}"]
    signature = [f"签发人（签字）：{signer}", f"签发时间：{issued:%Y-%m-%d %H:%M}"]
    with translation.override("zh-hans"):
        return render_pdf("社会救助资金发放汇总表", lines, signature, author=signer)
