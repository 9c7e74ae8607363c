"""The case list as an Excel workbook (openpyxl): the rows the page shows, every case the
filters match, labels not codes, the ID numbers masked, the filters on a second sheet.

Every row goes through ``yimen.spreadsheets.xlsx_append``: a value a user typed (a name, an
address in a title) that starts like a formula would run as one when the file is opened
(CSV/formula injection), so it is written as text with a leading apostrophe."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from yimen.spreadsheets import xlsx_append

from .case_search import CaseRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000  # a township's list; 20,000 rows took 9 s to write on the shared server


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def cases_workbook(rows: list[CaseRow], described: list[str]) -> bytes:
    """The workbook of ``rows``; ``described`` names the filters in the user's words."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Cases")
    titles = [
        _("Case number"),
        _("Title"),
        _("Head of household"),
        _("ID number"),
        _("Division"),
        _("Type"),
        _("Status"),
        _("Current step"),
        _("Opened"),
        _("Due"),
        _("Overdue"),
    ]
    xlsx_append(sheet, titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        case = row.case
        xlsx_append(
            sheet,
            [
                case.number,
                case.title,
                row.head_name,
                row.id_number,
                case.division.full_name or case.division.name,
                row.kind,
                str(case.get_status_display()),
                "、".join(row.steps),
                _local(case.opened_at),
                _local(row.due or case.due_at),
                _("Yes") if row.overdue else "",
            ],
        )
    widths = (24, 30, 12, 22, 30, 14, 10, 24, 12, 12, 8)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Filters"))
    xlsx_append(notes, [_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    xlsx_append(notes, [_("Cases"), len(rows)])
    for line in described or [_("No filter: every case you may see.")]:
        xlsx_append(notes, [line])
    notes.column_dimensions["A"].width = 60
    out = BytesIO()
    book.save(out)
    return out.getvalue()
