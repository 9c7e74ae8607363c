"""How long staff have to answer a person's request about their data: dated configuration.

PIPL (《个人信息保护法》, in force 2021-11-01) gives people the right to a copy (Art. 45)
and to a correction (Art. 46) and asks handlers to answer in time, but states no number of
days; /work/shared/domain/ has none either. The 30 days below are therefore NOT FOUND —
placeholder configuration to confirm (they follow the answer time the national standard
GB/T 35273-2020 §8.7 sets, which was not checked against its text here). A request keeps
the time limit in force on the day it was filed; a deployment may replace the table with
``PRIVACY_REQUEST_CLOCKS``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings


@dataclass(frozen=True)
class RequestClock:
    kind: str  # RequestKind value
    valid_from: date
    days: int  # calendar days from the day of filing
    source: str

    @property
    def confirmed(self) -> bool:
        return not self.source.startswith("NOT FOUND")


_PLACEHOLDER = (
    "NOT FOUND: PIPL Arts. 45-46 and 50 say 'in time' with no number of days; 30 days "
    "follows GB/T 35273-2020 §8.7 (not verified here); to confirm"
)

CLOCKS: tuple[RequestClock, ...] = (
    RequestClock("copy", date(2021, 11, 1), 30, _PLACEHOLDER),
    RequestClock("correction", date(2021, 11, 1), 30, _PLACEHOLDER),
)


def clock_for(kind: str, filed_on: date) -> RequestClock | None:
    """The clock of ``kind`` in force on ``filed_on`` (the latest begun), or None."""
    table = getattr(settings, "PRIVACY_REQUEST_CLOCKS", None) or CLOCKS
    begun = [c for c in table if c.kind == kind and c.valid_from <= filed_on]
    return max(begun, key=lambda c: c.valid_from) if begun else None


def due_on(kind: str, filed_on: date) -> tuple[date, str]:
    """The answer's due day and the clock's source for a request filed on ``filed_on``."""
    clock = clock_for(kind, filed_on)
    if clock is None:  # before any rule: the earliest one, so no request is without a clock
        table = getattr(settings, "PRIVACY_REQUEST_CLOCKS", None) or CLOCKS
        clock = min((c for c in table if c.kind == kind), key=lambda c: c.valid_from)
    return filed_on + timedelta(days=clock.days), clock.source
