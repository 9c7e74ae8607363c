"""Fixtures of the straw-burning tests: the real divisions of two townships of 农安县, the
synthetic grids imported by the county, people of every burning role with their 包保
assignments, and helpers to write FIRMS files and JPEG photos with GPS EXIF data."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from tests.factories import user_with
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.burning import synthetic
from yimen.burning.models import AssignmentKind, Unit
from yimen.burning.services.common import unit_for_division
from yimen.burning.services.tree import assignment_set, grids_import
from yimen.regions.codes import level_of, parent_code
from yimen.regions.models import Division

NONGAN = "220122000000"
FULONGQUAN, HALAHAI = "220122101000", "220122102000"
DONGZHENCHAI = "220122101201"
HALAHAI_VILLAGE = "220122102200"
DIVISIONS = [
    (NONGAN, "农安县"),
    (FULONGQUAN, "伏龙泉镇"),
    (HALAHAI, "哈拉海镇"),
    *[(code, name + "委会") for code, name in synthetic.VILLAGES],
]
TODAY = date(2026, 12, 7)  # tests/conftest.py PINNED_NOW


def add_divisions():
    for code, name in DIVISIONS:
        Division.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level_of(code), "parent_id": parent_code(code)},
        )


@dataclass
class BurningWorld:
    county: User  # 农安县 straw-burning office
    township: User  # 伏龙泉镇 duty staff
    other_township: User  # 哈拉海镇 duty staff
    grid_head: User  # 东榛柴村 grid head
    baobao: User  # 东榛柴村 包保 person
    inspector: User  # province environment inspector
    yushu: User  # another county's office
    grid: Unit  # 东榛柴村 grid 2 (no hole)
    holed: Unit  # 东榛柴村 grid 1 (with a pond)

    def unit(self, code: str) -> Unit:
        return Unit.objects.get(code=code)


def firms(points) -> bytes:
    return synthetic.firms_viirs_csv(points)


def utc(y, m, d, hh=5, mm=30) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def centre(unit: Unit) -> tuple[float, float]:
    return ((unit.min_lon + unit.max_lon) / 2, (unit.min_lat + unit.max_lat) / 2)


def jpeg(lon: float | None = None, lat: float | None = None, when: str = "2026:12:07 10:15:00"):
    """A small JPEG with GPS and time in its EXIF data (or none)."""
    from PIL import Image

    image = Image.new("RGB", (32, 24), (200, 80, 20))
    exif = Image.Exif()
    exif[0x0132] = when
    if lon is not None and lat is not None:

        def dms(value):
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60 * 1000)
            return (Fraction(d), Fraction(m), Fraction(s, 1000))

        exif[0x8825] = {1: "N", 2: dms(lat), 3: "E", 4: dms(lon)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def burning_world(tree, settings, tmp_path) -> BurningWorld:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_divisions()
    county = user_with(Role.BURNING_COUNTY, NONGAN, full_name="农安禁烧办")
    grids_import(
        county=Division.objects.get(pk=NONGAN),
        data=synthetic.geojson(),
        filename="nongan-synthetic.geojson",
        actor=county,
        synthetic=True,
        today=TODAY,
    )
    township = user_with(Role.BURNING_TOWNSHIP, FULONGQUAN, full_name="伏龙泉值班")
    other = user_with(Role.BURNING_TOWNSHIP, HALAHAI, full_name="哈拉海值班")
    head = user_with(Role.GRID_HEAD, DONGZHENCHAI, full_name="网格长甲")
    baobao = user_with(Role.BAOBAO_PERSON, DONGZHENCHAI, full_name="包保人乙")
    inspector = user_with(Role.ENV_INSPECTOR, "220000000000", full_name="马超")
    yushu = user_with(Role.BURNING_COUNTY, "220182000000", full_name="榆树禁烧办")
    start = date(2026, 1, 1)
    for unit in Unit.objects.filter(parent__code=DONGZHENCHAI):
        assignment_set(
            unit=unit,
            kind=AssignmentKind.RESPONSIBLE,
            person=baobao,
            valid_from=start,
            actor=county,
        )
        assignment_set(
            unit=unit, kind=AssignmentKind.GRID_HEAD, person=head, valid_from=start, actor=county
        )
    village = Unit.objects.get(code=DONGZHENCHAI)
    assignment_set(
        unit=village, kind=AssignmentKind.RESPONSIBLE, person=baobao, valid_from=start, actor=county
    )
    town = unit_for_division(Division.objects.get(pk=FULONGQUAN))
    assignment_set(
        unit=town, kind=AssignmentKind.RESPONSIBLE, person=township, valid_from=start, actor=county
    )
    county_unit = unit_for_division(Division.objects.get(pk=NONGAN))
    assignment_set(
        unit=county_unit,
        kind=AssignmentKind.RESPONSIBLE,
        person=county,
        valid_from=start,
        actor=county,
    )
    return BurningWorld(
        county=county,
        township=township,
        other_township=other,
        grid_head=head,
        baobao=baobao,
        inspector=inspector,
        yushu=yushu,
        grid=Unit.objects.get(code=f"{DONGZHENCHAI}-G02"),
        holed=Unit.objects.get(code=f"{DONGZHENCHAI}-G01"),
    )
