"""The nearest dated row up the division tree, the one lookup every service's settings use."""

from __future__ import annotations

from datetime import date

from tests.factories import HUAYANG, NANGUAN, NANLING
from yimen.assistance.models import CaseTimeLimit
from yimen.regions.dated import nearest_row, nearest_rows

HENGAN = "220102001002"  # a sibling of 华阳 under 南岭街道
BEIAN = "220102002001"  # under 自强街道, which has no row of its own
KUANCHENG = "220103000000"  # another district: nothing up its tree


def _limit(division: str, valid_from: date, days: int) -> CaseTimeLimit:
    return CaseTimeLimit.objects.create(
        division_id=division, valid_from=valid_from, calendar_days=days, source="test"
    )


def test_the_nearest_division_with_a_row_in_force_wins(tree, django_assert_num_queries):
    _limit(NANGUAN, date(2025, 1, 1), 20)
    _limit(NANLING, date(2025, 1, 1), 12)
    _limit(NANLING, date(2026, 3, 1), 10)  # the street's newer row, from March
    _limit(HUAYANG, date(2026, 6, 1), 8)  # the community's own row, from June

    on = date(2026, 4, 15)
    with django_assert_num_queries(1):
        found = nearest_rows(CaseTimeLimit, [HUAYANG, HENGAN, BEIAN, KUANCHENG], on)
    days = {code: row.calendar_days if row else None for code, row in found.items()}
    # 华阳's own row is not in force yet: the street's latest row in force applies
    assert days == {HUAYANG: 10, HENGAN: 10, BEIAN: 20, KUANCHENG: None}

    assert nearest_row(CaseTimeLimit, HUAYANG, date(2026, 6, 1)).calendar_days == 8
    assert nearest_row(CaseTimeLimit, HUAYANG, date(2026, 2, 28)).calendar_days == 12
    assert nearest_row(CaseTimeLimit, HUAYANG, date(2024, 12, 31)) is None
