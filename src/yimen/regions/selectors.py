"""Reads of the division tree. Every question is a prefix or an IN over codes: one query.

Divisions are public reference data (the administrative map), so these reads are not
scoped to the user; what a user may *do* somewhere is decided in accounts.scoping.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .codes import InvalidCode, ancestor_codes, normalize_code, prefix_of
from .errors import DivisionNotFound
from .models import Division


def get_division(code: str) -> Division:
    """The division with ``code`` in any of its written forms (2/4/6/9/12 digits).

    People type the short GB/T 2260 form (220102) as often as the 12-digit one, so both
    must find the same row; text that is not a code is simply not found."""
    try:
        full = normalize_code(str(code))
    except InvalidCode:
        raise DivisionNotFound(str(code)) from None
    division = Division.objects.filter(pk=full).first()
    if division is None:
        raise DivisionNotFound(str(code))
    return division


def ancestors(division: Division) -> list[Division]:
    """The division's ancestors, province first, in one query (no walk up ``parent``).

    The codes of all ancestors are known from the code itself; missing levels (a county
    directly under a province) simply do not match."""
    codes = ancestor_codes(division.code)
    if not codes:
        return []
    return list(Division.objects.filter(code__in=codes).order_by("code"))


def subtree(division: Division) -> QuerySet[Division]:
    """The division and everything beneath it, in one query on the code prefix."""
    return Division.objects.filter(code__startswith=prefix_of(division.code)).order_by("code")


def children(division: Division) -> QuerySet[Division]:
    """The divisions directly beneath ``division`` (one level down in the stored tree)."""
    return Division.objects.filter(parent_id=division.code).order_by("code")


def search(text: str) -> QuerySet[Division]:
    """Divisions whose name contains ``text`` or whose code starts with it.

    Digits are matched against both the 12-digit code and its short form as typed, so
    "220102" finds 南关区 and everything below it; ordered top level first so the place
    a person most likely means comes before its villages."""
    text = (text or "").strip()
    if not text:
        return Division.objects.none()
    query = Q(name__contains=text)
    if text.isascii() and text.isdigit():
        query |= Q(code__startswith=text)
    return Division.objects.filter(query).order_by("level", "code")
