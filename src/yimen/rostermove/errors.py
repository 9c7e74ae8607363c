"""Stable error codes of moving in from the old system (they never change once published)."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class NotAllowed(Forbidden):
    code = "rostermove.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not move records of this kind in for this area."))


class BatchNotFound(NotFound):
    code = "rostermove.not_found"

    def __init__(self):
        super().__init__(_("No such import batch, or it is outside your area."))


class AlreadyImported(Conflict):
    code = "rostermove.already_imported"

    def __init__(self):
        super().__init__(_("This batch has already been imported."))


class UnreadableSheet(Invalid):
    code = "rostermove.unreadable"

    def __init__(self, *, name: str):
        super().__init__(
            _("“%(name)s” is not an Excel workbook (.xlsx) or a CSV file we can read."),
            name=name[:100],
        )


class MissingColumns(Invalid):
    code = "rostermove.missing_columns"

    def __init__(self, *, columns: str):
        super().__init__(
            _("The sheet lacks the columns %(columns)s (first row: the headers)."),
            columns=columns,
        )


class BadMapping(Invalid):
    code = "rostermove.bad_mapping"

    def __init__(self, *, detail: str):
        super().__init__(
            _("The column mapping is not valid: %(detail)s. Give field → header pairs."),
            detail=detail[:200],
        )


class SchemeNeeded(Invalid):
    code = "rostermove.scheme_needed"

    def __init__(self):
        super().__init__(_("Choose the subsidy scheme the units were surveyed for."))


class MovedMeanwhile(Conflict):
    code = "rostermove.moved_meanwhile"

    def __init__(self):
        super().__init__(
            _(
                "Another import moved some of these records in meanwhile; nothing was "
                "written. Upload the sheet again to see what is left."
            )
        )
