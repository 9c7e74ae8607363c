"""People and identity, the kernel every service uses (yimen.people)."""

from __future__ import annotations

from datetime import date

import pytest

from yimen.people import InvalidIdNumber, age_on, initials_of, mask_id, parse_id_number


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1966, 4, 15), date(2026, 4, 15), 60),  # on the 60th birthday one is 60
        (date(1966, 4, 15), date(2026, 4, 14), 59),
        (date(2008, 2, 29), date(2026, 2, 28), 17),  # 29 February counts from 1 March
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_on_a_date(born, on, age):
    assert age_on(born, on) == age


def test_the_number_tells_birth_date_and_sex():
    info = parse_id_number(" 220102197003120114 ", today=date(2026, 12, 7))
    assert (info.birth_date, info.sex) == (date(1970, 3, 12), "M")
    assert info.number == "220102197003120114"
    with pytest.raises(InvalidIdNumber) as refused:  # the check digit is 4
        parse_id_number("220102197003120113", today=date(2026, 12, 7))
    assert refused.value.code == "assistance.invalid_id_number"


def test_hospital_staff_also_see_the_area_code():
    assert mask_id("220102197003120113", head=6) == "220102********0113"
    assert mask_id("2201021970", head=6) == "**********"


def test_initials_for_searching_by_pinyin():
    assert initials_of(" 张三丰 ") == "zsf"
