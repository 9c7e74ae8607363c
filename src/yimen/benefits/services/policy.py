"""Which review policy applies to a division on a date.

The statutory defaults are found values [A2021 Art.31: yearly / every 6 months; TZ2022
§1(3): death re-checked within 3 months, phase-out at most 6 months], so they are the
fallback in code; a city or county that sets its own adds a dated ReviewPolicy row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from yimen.regions.codes import prefix_of

from ..models import ReviewPolicy


@dataclass(frozen=True)
class Policy:
    stable_months: int
    unstable_months: int
    lead_days: int
    death_review_months: int
    phase_out_max_months: int
    source: str


STATUTORY = Policy(
    stable_months=12,
    unstable_months=6,
    lead_days=15,
    death_review_months=3,
    phase_out_max_months=6,
    source="A2021 Art.31; TZ2022 §1(3)",
)


def policy_for(division_code: str, on: date) -> Policy:
    """The most specific division's latest policy in force on ``on``; else the statute's."""
    best: tuple[int, date] | None = None
    chosen = STATUTORY
    for row in ReviewPolicy.objects.filter(valid_from__lte=on):
        prefix = prefix_of(row.division_id)
        if not division_code.startswith(prefix):
            continue
        key = (len(prefix), row.valid_from)
        if best is None or key > best:
            best = key
            chosen = Policy(
                row.stable_months,
                row.unstable_months,
                row.lead_days,
                row.death_review_months,
                row.phase_out_max_months,
                row.source,
            )
    return chosen
