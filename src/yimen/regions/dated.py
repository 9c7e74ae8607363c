"""Dated, per-division configuration: which row of a setting is in force for a division.

Every service keeps settings per division and date (case time limits, disclosure periods,
cycle days, verification thresholds, sampling shares): a row set for a county applies to
its towns and villages until one of them has its own, and a row applies from its
``valid_from``. This is the one lookup of "the nearest dated row up the division tree",
in the kernel so that no service reaches into another for it (DESIGN.md, layers).

A model qualifies by having ``division`` (a foreign key to ``regions.Division``) and a
``valid_from`` date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from yimen.id_sets import chunks

from .codes import ancestor_codes


def nearest_rows(model, division_codes: Iterable[str], on: date) -> dict[str, Any]:
    """For each division, the row of ``model`` in force on ``on`` (its latest) of the
    nearest division up the tree that has one, or None: one query for all the divisions
    and their ancestors, however many divisions (a verification run covers hundreds)."""
    chains = {code: [code, *reversed(ancestor_codes(code))] for code in set(division_codes)}
    latest: dict[str, Any] = {}
    for part in chunks(sorted({c for chain in chains.values() for c in chain})):
        # ordered by valid_from: the dict keeps each division's latest row in force
        for row in model.objects.filter(division_id__in=part, valid_from__lte=on).order_by(
            "division_id", "valid_from"
        ):
            latest[row.division_id] = row
    return {
        code: next((latest[c] for c in chain if c in latest), None)
        for code, chain in chains.items()
    }


def nearest_row(model, division_code: str, on: date) -> Any:
    """The row of ``model`` in force on ``on`` for one division (see ``nearest_rows``)."""
    return nearest_rows(model, [division_code], on)[division_code]
