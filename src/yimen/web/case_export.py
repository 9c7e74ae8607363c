"""The case list as an Excel workbook (openpyxl): the rows the page shows, every case the
filters match, labels not codes, the ID numbers masked, the filters on a second sheet.

Every string goes through ``_cell``: a value a user typed (a name, an address in a title)
that starts like a formula would run as one when the file is opened (CSV/formula
injection), so it is written as text with a leading apostrophe."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font

from .case_search import CaseRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10_000  # a township's list; 20,000 rows took 9 s to write on the shared server
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> Cell:
    """A worksheet cell for ``value``; a string is neutralised and typed as text."""
    if isinstance(value, str):
        text = "'" + value if value.startswith(FORMULA_STARTS) else value
        cell = Cell(None, value=text)
        cell.data_type = "s"  # text, whatever it looks like
        return cell
    return Cell(None, value=value)


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
    sheet.append([_cell(t) for t in titles])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        case = row.case
        sheet.append(
            [
                _cell(case.number),
                _cell(case.title),
                _cell(row.head_name),
                _cell(row.id_number),
                _cell(case.division.full_name or case.division.name),
                _cell(row.kind),
                _cell(str(case.get_status_display())),
                _cell("、".join(row.steps)),
                _cell(_local(case.opened_at)),
                _cell(_local(row.due or case.due_at)),
                _cell(_("Yes") if row.overdue else ""),
            ]
        )
    widths = (24, 30, 12, 22, 30, 14, 10, 24, 12, 12, 8)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("Filters"))
    notes.append([_cell(_("Exported on")), _cell(timezone.localtime().strftime("%Y-%m-%d %H:%M"))])
    notes.append([_cell(_("Cases")), _cell(len(rows))])
    for line in described or [_("No filter: every case you may see.")]:
        notes.append([_cell(line)])
    notes.column_dimensions["A"].width = 60
    out = BytesIO()
    book.save(out)
    return out.getvalue()
