"""The only code that assigns the status of a report, a re-examination or a remedy
(house rule 3). Each change is a guarded ``filter(status=source).update(...)``: of two
handlers acting at once exactly one matches the row, the other is told it changed."""

from __future__ import annotations

from typing import Any

from .errors import WrongState
from .models import (
    LegalRemedy,
    Reexamination,
    ReexamStatus,
    RemedyStatus,
    Report,
    ReportStatus,
)

#: report: received → handling (a handler takes it) → answered (final)
REPORT_ALLOWED = {
    ReportStatus.RECEIVED: {ReportStatus.HANDLING},
    ReportStatus.HANDLING: {ReportStatus.ANSWERED},
}
#: re-examination and remedy: pending → decided / concluded (final)
REEXAM_ALLOWED = {ReexamStatus.PENDING: {ReexamStatus.DECIDED}}
REMEDY_ALLOWED = {RemedyStatus.PENDING: {RemedyStatus.CONCLUDED}}


def _move(model, row, allowed, target: str, what, **fields: Any) -> None:
    source = row.status
    if target not in allowed.get(source, set()):
        raise WrongState(what=what, status=row.get_status_display())
    moved = model.objects.filter(pk=row.pk, status=source).update(status=target, **fields)
    if moved != 1:
        row.refresh_from_db()
        raise WrongState(what=what, status=row.get_status_display())
    row.status = target
    for name, value in fields.items():
        setattr(row, name, value)


def move_report(report: Report, target: ReportStatus, **fields: Any) -> None:
    """Move a report on (with ``fields`` written in the same guarded UPDATE)."""
    _move(Report, report, REPORT_ALLOWED, target, report.number, **fields)


def move_reexamination(reexam: Reexamination, target: ReexamStatus, **fields: Any) -> None:
    _move(Reexamination, reexam, REEXAM_ALLOWED, target, reexam.number, **fields)


def move_remedy(remedy: LegalRemedy, target: RemedyStatus, **fields: Any) -> None:
    _move(LegalRemedy, remedy, REMEDY_ALLOWED, target, remedy.number, **fields)
