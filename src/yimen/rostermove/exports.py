"""The problem list of a batch as an Excel workbook, so the clerk can fix the old sheet row
by row. Streamed in write-only mode: a 200,000-household sheet may list many problems."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from yimen.spreadsheets import xlsx_append

from .models import ImportBatch
from .problems import message
from .selectors import problems_of


def problems_xlsx(batch: ImportBatch) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Problems"))
    xlsx_append(sheet, [_("Row"), _("Column"), _("Problem"), _("Value"), _("Blocks the import")])
    for row, column, code, value, detail, blocking in (
        problems_of(batch)
        .values_list("row", "column", "code", "value", "detail", "blocking")
        .iterator(chunk_size=5000)
    ):
        xlsx_append(
            sheet,
            [row, column, message(code, detail), value, _("yes") if blocking else _("no")],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
