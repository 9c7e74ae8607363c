"""The insured place's policy as a plain, dated record (参保地政策), read by the engine.

The values live in the database as JSON per insured division and effective date
(``PolicySet``); this module turns that JSON into typed, immutable values and checks it.
Amounts are integer fen, ratios Decimal fractions (0.88 = 88 %).

Vocabulary of keys:
- hospital levels: ``community``, ``level1``, ``level2``, ``level3_city``, ``level3_provincial``
- insurance types: ``employee`` (职工), ``resident`` (城乡居民)
- away bases (how a visit away from home is classed): ``long_stay`` (filed 长期居住 categories),
  ``referral`` (filed 转诊), ``emergency`` (急诊抢救, treated as filed), ``temporary_other``
  (filed 其他临时外出), ``unfiled_other`` (not filed, not emergency).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import PolicyError

LEVELS = ("community", "level1", "level2", "level3_city", "level3_provincial")
INSURANCE_TYPES = ("employee", "resident")
AWAY_BASES = ("long_stay", "referral", "emergency", "temporary_other", "unfiled_other")


@dataclass(frozen=True)
class Terms:
    """Deductible and fund ratio at one hospital level; ``covered`` False = no pooling there."""

    deductible_fen: int
    ratio: Decimal
    covered: bool = True


@dataclass(frozen=True)
class Scheme:
    """Outpatient or inpatient terms of one insurance type."""

    levels: Mapping[str, Terms]
    annual_cap_fen: int
    retiree_bonus: Decimal = Decimal(0)
    #: total deductible paid in a year after which later admissions deduct nothing
    deductible_year_ceiling_fen: int | None = None


@dataclass(frozen=True)
class Band:
    """One band of the critical-illness (大病) or large-amount layer: from..to at ratio."""

    lower_fen: int
    upper_fen: int | None
    ratio: Decimal


@dataclass(frozen=True)
class Policy:
    """Everything the split needs from the insured place, for one date."""

    division_code: str
    valid_from: str
    outpatient: Mapping[str, Scheme]
    inpatient: Mapping[str, Scheme]
    large_amount_ratio: Decimal
    large_amount_cap_fen: int
    critical_bands: tuple[Band, ...]
    critical_cap_fen: int
    away_factors: Mapping[str, Mapping[str, Decimal]]
    #: values that no source document gave: key → note, shown wherever they are used
    configured: Mapping[str, str] = field(default_factory=dict)


def _ratio(raw: Any, where: str, problems: list[str]) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        problems.append(f"{where}: not a ratio")
        return Decimal(0)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        problems.append(f"{where}: ratio must be between 0 and 1")
    return value


def _fen(raw: Any, where: str, problems: list[str]) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        problems.append(f"{where}: amount must be a non-negative integer number of fen")
        return 0
    return raw


def _scheme(raw: Any, where: str, problems: list[str]) -> Scheme:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: missing")
        return Scheme(levels={}, annual_cap_fen=0)
    levels: dict[str, Terms] = {}
    for level in LEVELS:
        terms = (raw.get("levels") or {}).get(level)
        if not isinstance(terms, Mapping):
            problems.append(f"{where}.levels.{level}: missing")
            continue
        levels[level] = Terms(
            deductible_fen=_fen(terms.get("deductible_fen"), f"{where}.{level}", problems),
            ratio=_ratio(terms.get("ratio"), f"{where}.{level}", problems),
            covered=bool(terms.get("covered", True)),
        )
    ceiling = raw.get("deductible_year_ceiling_fen")
    return Scheme(
        levels=levels,
        annual_cap_fen=_fen(raw.get("annual_cap_fen"), f"{where}.annual_cap_fen", problems),
        retiree_bonus=_ratio(raw.get("retiree_bonus", "0"), f"{where}.retiree_bonus", problems),
        deductible_year_ceiling_fen=(
            None if ceiling is None else _fen(ceiling, f"{where}.ceiling", problems)
        ),
    )


def policy_from_json(division_code: str, valid_from: str, data: Mapping[str, Any]) -> Policy:
    """Build and check a Policy; raise PolicyError listing every defect at once."""
    problems: list[str] = []
    outpatient = {
        t: _scheme(data.get("outpatient", {}).get(t), f"outpatient.{t}", problems)
        for t in INSURANCE_TYPES
    }
    inpatient = {
        t: _scheme(data.get("inpatient", {}).get(t), f"inpatient.{t}", problems)
        for t in INSURANCE_TYPES
    }
    bands = []
    for i, band in enumerate(data.get("critical_bands") or []):
        upper = band.get("upper_fen")
        bands.append(
            Band(
                lower_fen=_fen(band.get("lower_fen"), f"critical_bands[{i}]", problems),
                upper_fen=None if upper is None else _fen(upper, f"critical[{i}]", problems),
                ratio=_ratio(band.get("ratio"), f"critical_bands[{i}]", problems),
            )
        )
    if not bands:
        problems.append("critical_bands: missing")
    factors: dict[str, dict[str, Decimal]] = {}
    for t in INSURANCE_TYPES:
        raw = (data.get("away_factors") or {}).get(t) or {}
        factors[t] = {b: _ratio(raw.get(b), f"away_factors.{t}.{b}", problems) for b in AWAY_BASES}
    policy = Policy(
        division_code=division_code,
        valid_from=valid_from,
        outpatient=outpatient,
        inpatient=inpatient,
        large_amount_ratio=_ratio(data.get("large_amount_ratio"), "large_amount_ratio", problems),
        large_amount_cap_fen=_fen(data.get("large_amount_cap_fen"), "large_cap", problems),
        critical_bands=tuple(bands),
        critical_cap_fen=_fen(data.get("critical_cap_fen"), "critical_cap_fen", problems),
        away_factors=factors,
        configured=dict(data.get("configured") or {}),
    )
    if problems:
        raise PolicyError(problems)
    return policy
