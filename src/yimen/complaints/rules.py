"""Pure rules of complaints and re-examination: where a report goes, when it is due, and
until when a decision may be re-examined. Plain data in, plain data out (house rule 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from yimen.regions.codes import Level, code_at_level, level_of
from yimen.workflow.calendar import add_working_days

from .models.reports import ReportKind, StaffLevel


@dataclass(frozen=True)
class Clocks:
    """The settings in force for a division: how long the handler has to answer (working
    days from receipt) and how long an applicant has to ask for a re-examination (calendar
    days from the decision). ``example``: the values await confirmation."""

    answer_working_days: int
    reexam_request_days: int
    example: bool
    source: str


#: Without any row in force: example values, labelled (policy.md gives neither clock —
#: NOT FOUND; a county sets its own on the settings page, dated and audited).
DEFAULT_CLOCKS = Clocks(
    answer_working_days=15,
    reexam_request_days=60,
    example=True,
    source="NOT FOUND in policy.md: example values awaiting the department's confirmation",
)


def route(kind: str, staff_level: str, division_code: str) -> str:
    """The division that must answer a report made about ``division_code``.

    A household, or a village committee's staff: the township of the place. The township's
    own staff: the county above it, since a township cannot judge its own people."""
    if level_of(division_code) < Level.TOWNSHIP:
        raise ValueError("a report names a township or a village")
    if kind == ReportKind.MISCONDUCT and staff_level == StaffLevel.TOWNSHIP:
        return code_at_level(division_code, Level.COUNTY)
    return code_at_level(division_code, Level.TOWNSHIP)


def answer_due(received_on: date, clocks: Clocks) -> date:
    """The last day to answer: so many working days after the day of receipt."""
    return add_working_days(received_on, clocks.answer_working_days)


def reexam_last_day(decided_on: date, clocks: Clocks) -> date:
    """The last day on which a re-examination of a decision of ``decided_on`` may be asked."""
    return decided_on + timedelta(days=clocks.reexam_request_days)


def is_overdue(due_on: date, today: date, answered: bool) -> bool:
    return not answered and today > due_on
