"""Reads the settlement needs: the policy in force, the catalog, and the away-from-home basis.

Policy sets are never edited once stored (a change is a new dated set), so a parsed Policy is
cached per row; the cache cannot go stale for a row, only miss new rows, and each look-up
asks the database which row is in force.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Protocol, TypeVar

from django.db.models import Q

from yimen.regions.codes import ancestor_codes, prefix_of

from ..errors import NoPolicy
from ..models import CatalogItem, Filing, FilingCategory, FilingStatus, PolicySet
from ..models.filing import LONG_STAY
from ..rules.engine import LOCAL
from ..rules.policy import Policy, policy_from_json

_PARSED: dict[int, Policy] = {}


def policy_scope(division_code: str) -> list[str]:
    """The insured division and its ancestors, nearest first: where a policy set is looked for."""
    return [division_code, *reversed(ancestor_codes(division_code))]


def _stored_values(pk: int) -> Any:
    return PolicySet.objects.values_list("values", flat=True).get(pk=pk)


def policy_in_force(
    division_code: str,
    on: date,
    rows: Iterable[tuple[int, str, Any]],
    *,
    values: Callable[[int], Any] = _stored_values,
) -> Policy | None:
    """The parsed policy among ``rows`` (pk, division code, valid_from; newest first, all in
    force on the day) of the nearest division in the scope, or None. A set not yet parsed in
    this process is read with ``values(pk)`` (its stored JSON) and parsed once."""
    rows = list(rows)
    for code in policy_scope(division_code):
        for pk, row_code, valid_from in rows:
            if row_code == code:
                if pk not in _PARSED:
                    _PARSED[pk] = policy_from_json(code, str(valid_from)[:10], values(pk))
                return _PARSED[pk]
    return None


def policy_for(division_code: str, on: date) -> Policy:
    """The policy of the insured division (or its nearest ancestor with one) on ``on``."""
    rows = (
        PolicySet.objects.filter(division_id__in=policy_scope(division_code), valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("pk", "division_id", "valid_from")
    )
    policy = policy_in_force(division_code, on, rows)
    if policy is None:
        raise NoPolicy(division=division_code[:6], date=on.isoformat())
    return policy


def catalog_for(division_code: str, codes: Iterable[str], on: date) -> dict[str, CatalogItem]:
    """Catalog entries in force on ``on`` for ``codes``, the most local catalog winning."""
    scope = [division_code, *ancestor_codes(division_code)]
    order = {code: i for i, code in enumerate(scope)}
    found: dict[str, CatalogItem] = {}
    items = CatalogItem.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        division_id__in=scope,
        code__in=set(codes),
        valid_from__lte=on,
    ).order_by("-valid_from")
    for item in items:
        best = found.get(item.code)
        if best is None or order[item.division_id] < order[best.division_id]:
            found[item.code] = item
    return found


def same_city(a: str, b: str) -> bool:
    return a[:4] == b[:4]


class FilingLike(Protocol):
    """A Filing, or the fast settlement's row of one."""

    @property
    def category(self) -> str: ...

    @property
    def created_at(self) -> Any: ...


F = TypeVar("F", bound=FilingLike)


def covering(
    filings: Iterable[F], treatment_code: str, destination: Callable[[F], str]
) -> F | None:
    """Of the person's filings in force, the one whose destination covers the treatment place.

    Long-stay filings win over temporary ones, then the oldest."""
    matches = [f for f in filings if treatment_code.startswith(prefix_of(destination(f)))]
    matches.sort(key=lambda f: (f.category not in LONG_STAY, f.created_at))
    return matches[0] if matches else None


def filing_covering(person_id: int, treatment_code: str, on: date) -> Filing | None:
    """The active filing whose destination covers the treatment place on ``on``.

    Validity is judged on the settlement date, so a patient admitted without filing who
    files before discharge settles directly (Art.16).
    """
    filings = Filing.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        person_id=person_id,
        status=FilingStatus.ACTIVE,
        begin_date__lte=on,
    )
    return covering(filings, treatment_code, lambda f: f.destination_id)


def basis_of(insured_code: str, treatment_code: str, emergency: bool, filing: Any) -> str:
    """How the visit is classed for the away-from-home factor, given the covering filing."""
    if same_city(insured_code, treatment_code):
        return LOCAL
    if filing is not None and filing.category in LONG_STAY:
        return "long_stay"
    if emergency:
        return "emergency"
    if filing is None:
        return "unfiled_other"
    if filing.category == FilingCategory.REFERRAL:
        return "referral"
    if filing.category == FilingCategory.EMERGENCY:
        return "emergency"
    return "temporary_other"


def basis_for(
    person_id: int, insured_code: str, treatment_code: str, on: date, emergency: bool
) -> tuple[str, Filing | None]:
    """How the visit is classed for the away-from-home factor, and the filing used."""
    if same_city(insured_code, treatment_code):
        return LOCAL, None
    filing = filing_covering(person_id, treatment_code, on)
    return basis_of(insured_code, treatment_code, emergency, filing), filing
