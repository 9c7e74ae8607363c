"""Reproducible random samples (抽查), the pure part every service's sampling shares.

Each member of the population gets the key sha256(seed, its number) and, within each
stratum, the members with the smallest keys are drawn. The key depends only on the seed
and the member, so the same seed over the same population draws the same sample whatever
order the database returns rows in, and a member added to the population never reshuffles
the others.

How many: ceil(share × the stratum's population) — rounded UP, so a stratum with any
member has at least one drawn and the share is a floor, as "≥30 %" reads."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal


def sample_size(population: int, percent: Decimal) -> int:
    """ceil(population × percent / 100), exactly (Decimal, no float rounding)."""
    if population <= 0:
        return 0
    size = (Decimal(population) * percent / Decimal(100)).to_integral_value(ROUND_CEILING)
    return min(population, int(size))


def sort_key(seed: str, number: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{number}".encode()).hexdigest()


def draw_sample(
    population: Iterable[tuple[str, str]], seed: str, percent: Decimal
) -> list[tuple[str, str, int]]:
    """(number, stratum) pairs → the drawn (number, stratum, rank) triples, ordered by
    stratum and rank. Deterministic in (seed, set of pairs)."""
    strata: dict[str, list[str]] = defaultdict(list)
    for number, stratum in population:
        strata[stratum].append(number)
    drawn: list[tuple[str, str, int]] = []
    for stratum in sorted(strata):
        ordered = sorted(strata[stratum], key=lambda n: (sort_key(seed, n), n))
        size = sample_size(len(ordered), percent)
        drawn += [(n, stratum, rank) for rank, n in enumerate(ordered[:size], start=1)]
    return drawn


def population_digest(numbers: Iterable[str]) -> str:
    """A fingerprint of the population, so a later redraw can show it was the same one."""
    return hashlib.sha256("\n".join(sorted(numbers)).encode()).hexdigest()
