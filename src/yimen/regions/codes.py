"""Pure functions over 12-digit statistical division codes (统计用区划代码).

A code carries its whole ancestry: province = first 2 digits, prefecture = 4, county = 6
(the GB/T 2260 code), township = 9, village = 12; the rest is zero padding. So ancestors
and subtrees are prefix questions answered in one query, with no recursion over parents.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import InvalidCode


class Level(models.IntegerChoices):
    """Levels of the administrative tree, top down."""

    PROVINCE = 1, _("Province")  # 省级
    CITY = 2, _("Prefecture")  # 地级 (市、州)
    COUNTY = 3, _("County")  # 县级 (区、县、县级市、开发区)
    TOWNSHIP = 4, _("Township")  # 乡级 (乡、镇、街道)
    VILLAGE = 5, _("Village")  # 村级 (村委会、居委会、社区)


#: Number of significant digits at each level.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def normalize_code(raw: str) -> str:
    """Return the 12-digit form of a 2/4/6/9/12-digit code; refuse anything else."""
    code = (raw or "").strip()
    if not code.isascii() or not code.isdigit() or len(code) not in {2, 4, 6, 9, 12}:
        raise InvalidCode(raw)
    code = code.ljust(12, "0")
    if code[:2] == "00":
        raise InvalidCode(raw)
    return code


def level_of(code: str) -> Level:
    """The level a 12-digit code names: the deepest non-zero segment."""
    if code[9:] != "000":
        return Level.VILLAGE
    if code[6:9] != "000":
        return Level.TOWNSHIP
    if code[4:6] != "00":
        return Level.COUNTY
    if code[2:4] != "00":
        return Level.CITY
    return Level.PROVINCE


def prefix_of(code: str) -> str:
    """The significant digits of a code: every descendant's code starts with them."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def code_at_level(code: str, level: Level) -> str:
    """The code of the ancestor (or self) of ``code`` at ``level``."""
    return code[: PREFIX_LENGTH[level]].ljust(12, "0")


def ancestor_codes(code: str) -> list[str]:
    """Codes of every ancestor, province first, excluding the code itself.

    Levels whose segment is zero are skipped (a prefecture-less county, say)."""
    own = level_of(code)
    found: list[str] = []
    for level in Level:
        if level >= own:
            break
        candidate = code_at_level(code, level)
        if level_of(candidate) == level and candidate not in found:
            found.append(candidate)
    return found


def parent_code(code: str) -> str | None:
    """The nearest ancestor's code, or None for a province."""
    ancestors = ancestor_codes(code)
    return ancestors[-1] if ancestors else None


def display_code(code: str) -> str:
    """The form people write: GB/T 2260 six digits down to the county, all digits below.

    Used in messages, so "220102" reads as 南关区 rather than a 12-digit string."""
    level = level_of(code)
    return code[:6] if level <= Level.COUNTY else code[: PREFIX_LENGTH[level]]
