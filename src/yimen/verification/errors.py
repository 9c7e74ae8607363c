"""Stable error codes of household economic verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Invalid

#: A refused file reports at most this many row errors (the count of all is kept).
MAX_REPORTED_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    """One reason a data row was refused.

    ``row`` counts data rows from 1 (the header is not a data row); ``line`` is where that row
    sits in a CSV or spreadsheet, i.e. ``row + 1`` because the header takes line 1."""

    row: int
    column: str
    message: str | Promise
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.row + 1

    def render(self, language: str | None = None) -> str:
        if language is None:
            text = str(self.message)
        else:
            with translation.override(language):
                text = str(self.message)
        return text % self.params if self.params else text


class ImportRefused(Invalid):
    """Base of every refused partner file; nothing of it is kept."""

    code = "verification.import_refused"
    errors: list[RowError]

    def __init__(self, message, *, errors: list[RowError] | None = None, **params):
        self.errors = list(errors or [])
        super().__init__(message, **params)


class UnknownSource(ImportRefused):
    code = "verification.unknown_source"

    def __init__(self, source: str):
        super().__init__(_("Unknown data source “%(source)s”."), source=source)


class UnsupportedFile(ImportRefused):
    code = "verification.unsupported_file"

    def __init__(self, name: str):
        super().__init__(
            _("File “%(name)s” is not a .csv, .xlsx or .parquet file, or cannot be read."),
            name=name,
        )


class WrongEncoding(ImportRefused):
    code = "verification.wrong_encoding"

    def __init__(self):
        super().__init__(_("Wrong encoding: the CSV file is neither UTF-8 nor GB18030."))


class MissingColumns(ImportRefused):
    code = "verification.missing_column"

    def __init__(self, columns: list[str]):
        super().__init__(
            _("The file lacks the required column(s): %(columns)s."), columns=", ".join(columns)
        )
        self.missing = columns


class RowsInvalid(ImportRefused):
    code = "verification.rows_invalid"

    def __init__(self, errors: list[RowError], total: int):
        super().__init__(
            _(
                "%(count)s error(s) in the file; nothing was imported. Row numbers count data "
                "rows from 1; the header is line 1, so row N is line N+1 of the file."
            ),
            errors=errors[:MAX_REPORTED_ERRORS],
            count=total,
        )
        self.total = total
        fields: dict[str, list[str]] = {}
        for e in self.errors:
            fields.setdefault(f"row {e.row}", []).append(f"{e.column}: {e.render()}")
        self.fields = fields


class FileTooLarge(ImportRefused):
    """Over one of the import caps (yimen.import_limits): refused before being read whole."""

    code = "verification.file_too_large"

    def __init__(self, refused):
        super().__init__(refused.message, **refused.params)


class AuthorisationMissing(Invalid):
    code = "verification.authorisation_missing"

    def __init__(self, names: list[str]):
        super().__init__(
            _(
                "Verification needs the signed authorisation of every adult member; "
                "missing for: %(names)s."
            ),
            names="、".join(names),
        )
        self.names = names


class RunActive(Conflict):
    code = "verification.run_active"

    def __init__(self):
        super().__init__(_("A verification run is already queued or running."))
