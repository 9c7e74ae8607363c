"""The county's figures as Excel workbooks (openpyxl): the dashboard's numbers exactly as
the page shows them, and the monthly statistics report. Numbers are written as numbers
(amounts with two decimals) so the bureau can add them up; a notes sheet says where each
figure comes from (pre-payroll until the benefits app issues payment rolls)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from yimen.assistance.choices import AssistanceType, HukouType
from yimen.spreadsheets import xlsx_append
from yimen.workflow.states import CaseStatus

from .dashboard import Dashboard
from .statistics import GROUPS, MonthlyStatistics

MONEY_FORMAT = "#,##0.00"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(sheet, titles: list[str]) -> None:
    xlsx_append(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _notes(book: Workbook, lines: list[str]) -> None:
    notes = book.create_sheet(_("Notes"))
    for line in lines:
        xlsx_append(notes, [line])
    notes.column_dimensions["A"].width = 120


def pre_payroll_note() -> str:
    return _(
        "Households and funds are the pre-payroll figure: approved decisions counted from the "
        "month after approval until revoked, with the decision's monthly amount. They become "
        "the issued payment rolls once the benefits app is in use."
    )


def dashboard_workbook(board: Dashboard, area_name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Cases")
    statuses = list(CaseStatus)
    _header(
        sheet,
        [
            _("Division code"),
            _("Division"),
            _("Cases opened"),
            *[str(s.label) for s in statuses],
            _("In progress now"),
            _("Overdue"),
            _("Past the statutory limit"),
            _("Decisions"),
            _("Approved"),
            _("Refused"),
            _("Approval rate (%)"),
            _("Median days from acceptance to decision"),
        ],
    )
    for row in board.rows:
        xlsx_append(
            sheet,
            [
                row.code,
                row.name or area_name,
                row.opened,
                *[row.by_status.get(s.value, 0) for s in statuses],
                row.active,
                row.overdue,
                row.past_limit,
                row.decided,
                row.approved,
                row.refused,
                row.approval_rate,
                row.median_days,
            ],
        )
    funds = book.create_sheet(_("Funds"))
    _header(funds, [_("Month"), _("Assistance type"), _("Households"), _("Amount (yuan)")])
    for fund in board.funds:
        xlsx_append(
            funds,
            [
                fund.month.strftime("%Y-%m"),
                str(AssistanceType(fund.assistance_type).label),
                fund.households,
                fund.amount,
            ],
        )
        funds.cell(funds.max_row, 4).number_format = MONEY_FORMAT
    _notes(
        book,
        [
            _("%(area)s, %(period)s") % {"area": area_name, "period": board.period.label()},
            _("Cases opened in the period, by their current status."),
            _("Overdue and past the limit: cases in progress at the time of the export."),
            _("Approval rate and median days: decisions taken in the period."),
            _("Households and funds: paid, from the issued monthly payment rolls.")
            if board.funds_paid
            else pre_payroll_note(),
        ],
    )
    return _save(book)


def statistics_columns() -> list[tuple[str, bool]]:
    """(title, is an amount of money) for each column of the statistics sheet."""
    titles = [(_("Division code"), False), (_("Division"), False)]
    for kind, hukou in GROUPS:
        group = f"{AssistanceType(kind).label} {HukouType(hukou).label}"
        titles += [
            (_("%(group)s: households") % {"group": group}, False),
            (_("%(group)s: persons") % {"group": group}, False),
            (_("%(group)s: amount (yuan)") % {"group": group}, True),
        ]
    titles += [
        (_("New approvals in the month"), False),
        (_("Refusals in the month"), False),
        (_("Stops in the month"), False),
        (_("Funds in the month (yuan)"), True),
        (_("Urban minimum living standard (yuan per person per month)"), True),
        (_("Rural minimum living standard (yuan per person per month)"), True),
    ]
    for kind in AssistanceType:
        title = _("Average benefit, %(type)s (yuan per person per month)") % {"type": kind.label}
        titles.append((title, True))
    return titles


def statistics_values(row) -> list:
    values: list = [row.code, row.name]
    for kind, hukou in GROUPS:
        tally = row.tally(kind, hukou)
        values += [tally.households, tally.persons, tally.amount]
    values += [row.approvals, row.refusals, row.stops, row.funds]
    values += [row.standard_urban, row.standard_rural]
    values += [row.average_benefit(kind) for kind in AssistanceType.values]
    return values


def statistics_workbook(stats: MonthlyStatistics) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = stats.month.strftime("%Y-%m")
    columns = statistics_columns()
    _header(sheet, [title for title, _money in columns])
    money_columns = [i + 1 for i, (_title, money) in enumerate(columns) if money]
    for row in stats.rows:
        xlsx_append(sheet, statistics_values(row))
        for column in money_columns:
            sheet.cell(sheet.max_row, column).number_format = MONEY_FORMAT
    _notes(
        book,
        [
            _("%(area)s, %(month)s") % {"area": stats.name, "month": f"{stats.month:%Y-%m}"},
            _("Households and funds: paid, from the issued monthly payment rolls.")
            if stats.paid
            else pre_payroll_note(),
            _("Stops: households whose assistance stops from the month (dynamic management).")
            if stats.paid
            else _(
                "Stops: approvals revoked after an objection, until the benefits app records "
                "dynamic-management stops."
            ),
            _("Persons: household members living together (members living apart not counted)."),
            _(
                "Standards: the parameter set in force on the month's last day; the area's row "
                "is the mean of its divisions' standards. Average benefit: the type's funds "
                "over its persons."
            ),
        ],
    )
    return _save(book)


def _save(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()
