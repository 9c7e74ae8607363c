"""The dated, per-division settings in force (the nearest row up the division tree)."""

from __future__ import annotations

from datetime import date

from yimen.regions.dated import nearest_row

from .models import ComplaintSetting
from .rules import DEFAULT_CLOCKS, Clocks


def clocks_for(division_code: str, on: date) -> Clocks:
    """The clocks in force for ``division_code`` on ``on``; the labelled example values when
    no row applies."""
    row = nearest_row(ComplaintSetting, division_code, on)
    if row is None:
        return DEFAULT_CLOCKS
    return Clocks(
        answer_working_days=row.answer_working_days,
        reexam_request_days=row.reexam_request_days,
        example=row.example,
        source=row.source,
    )
