"""包保 units by hand (beside the GeoJSON import) and the settings page of every division a
user is bound to: services directly, pages over HTTP, refusals that write nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.burning.conftest import DONGZHENCHAI, HALAHAI_VILLAGE, NONGAN
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.burning.errors import BadInput, BadParent, NotAllowed, UnitCodeTaken
from yimen.burning.models import BurningSettings, Unit, UnitLevel
from yimen.burning.services.units import unit_create, unit_update
from yimen.regions.models import Division

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_grid_is_added_under_a_village_and_takes_its_division(burning_world):
    w = burning_world
    village = Unit.objects.get(code=DONGZHENCHAI)
    grid = unit_create(
        level=UnitLevel.GRID,
        code=f"{DONGZHENCHAI}-G90",
        name="东榛柴村后屯",
        parent=village,
        households=42,
        actor=w.county,
    )
    assert grid.division_id == DONGZHENCHAI and grid.county_code == NONGAN[:6]
    assert grid.geometry is None and grid.households == 42
    event = AuditEvent.objects.filter(event_type=EventType.BURNING_UNIT_SAVED).get()
    assert event.new["code"] == grid.code and event.new["parent"] == DONGZHENCHAI
    plot = unit_create(
        level=UnitLevel.PLOT, code="DZC-G90-P1", name="一号地块", parent=grid, actor=w.county
    )
    assert plot.division_id == DONGZHENCHAI


def test_bad_units_are_refused_and_write_nothing(burning_world):
    w = burning_world
    village = Unit.objects.get(code=DONGZHENCHAI)
    before = Unit.objects.count()
    with pytest.raises(UnitCodeTaken):
        unit_create(
            level=UnitLevel.GRID, code=w.grid.code, name="重复", parent=village, actor=w.county
        )
    with pytest.raises(BadInput):  # a code with spaces
        unit_create(level=UnitLevel.GRID, code="a b", name="坏码", parent=village, actor=w.county)
    with pytest.raises(BadParent):  # a grid under a grid
        unit_create(level=UnitLevel.GRID, code="GX-1", name="网格", parent=w.grid, actor=w.county)
    with pytest.raises(BadParent):  # a division that is not the parent's
        unit_create(
            level=UnitLevel.GRID,
            code="GX-2",
            name="网格",
            parent=village,
            division=Division.objects.get(pk=HALAHAI_VILLAGE),
            actor=w.county,
        )
    with pytest.raises(NotAllowed):  # another county's office
        unit_create(level=UnitLevel.GRID, code="GX-3", name="网格", parent=village, actor=w.yushu)
    with pytest.raises(NotAllowed):  # a grid head keeps no tree
        unit_create(
            level=UnitLevel.GRID, code="GX-4", name="网格", parent=village, actor=w.grid_head
        )
    assert Unit.objects.count() == before


def test_a_grid_without_boundary_moves_to_another_village_with_its_plots(burning_world):
    w = burning_world
    village = Unit.objects.get(code=DONGZHENCHAI)
    other = Unit.objects.get(code=HALAHAI_VILLAGE)
    grid = unit_create(
        level=UnitLevel.GRID, code="DZC-NEW", name="新屯", parent=village, actor=w.county
    )
    plot = unit_create(
        level=UnitLevel.PLOT, code="DZC-NEW-P1", name="地块", parent=grid, actor=w.county
    )
    unit_update(unit=grid, name="新屯（划转）", parent=other, actor=w.county, reason="区划调整")
    grid.refresh_from_db()
    plot.refresh_from_db()
    assert grid.parent == other and grid.division_id == HALAHAI_VILLAGE
    assert plot.division_id == HALAHAI_VILLAGE
    event = AuditEvent.objects.filter(event_type=EventType.BURNING_UNIT_SAVED).last()
    assert event.old["parent"] == DONGZHENCHAI and event.new["parent"] == HALAHAI_VILLAGE
    assert event.reason == "区划调整"


def test_a_boundary_is_not_moved_under_a_parent_it_lies_outside(burning_world):
    w = burning_world
    other = Unit.objects.get(code=HALAHAI_VILLAGE)
    with pytest.raises(BadParent):
        unit_update(unit=w.grid, name=w.grid.name, parent=other, actor=w.county)
    w.grid.refresh_from_db()
    assert w.grid.parent.code == DONGZHENCHAI


def test_administrative_units_are_renamed_never_moved(burning_world):
    w = burning_world
    village = Unit.objects.get(code=DONGZHENCHAI)
    unit_update(unit=village, name="东榛柴村（包保）", actor=w.county)
    village.refresh_from_db()
    assert village.name == "东榛柴村（包保）"
    with pytest.raises(BadParent):
        unit_update(
            unit=village,
            name="x",
            division=Division.objects.get(pk=HALAHAI_VILLAGE),
            actor=w.county,
        )
    with pytest.raises(BadParent):
        unit_update(unit=w.grid, name="x", parent=w.grid, actor=w.county)


def test_the_county_adds_and_edits_a_unit_on_the_pages(burning_world):
    page = as_user(burning_world.county)
    assert 'id="unit-new"' in page.get("/burning/units/").content.decode()
    answer = page.post(
        "/burning/units/new/",
        {"level": "6", "code": "DZC-PAGE", "name": "页面新屯", "parent": DONGZHENCHAI},
    )
    assert answer.status_code == 302
    unit = Unit.objects.get(code="DZC-PAGE")
    edit = page.post(
        f"/burning/units/{unit.pk}/",
        {"form": "edit", "name": "页面新屯（改）", "parent": DONGZHENCHAI, "reason": "更正"},
    )
    assert edit.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "页面新屯（改）"
    refused = page.post(
        "/burning/units/new/",
        {"level": "6", "code": "DZC-PAGE", "name": "重复", "parent": DONGZHENCHAI},
    )
    assert (
        refused.status_code == 200 and "已有编码为 DZC-PAGE 的包保单元" in refused.content.decode()
    )
    unknown = page.post(
        "/burning/units/new/", {"level": "6", "code": "DZC-X", "name": "x", "parent": "NOPE"}
    )
    assert unknown.status_code == 200 and not Unit.objects.filter(code="DZC-X").exists()


def test_unit_pages_fail_closed(burning_world):
    w = burning_world
    assert as_user(w.grid_head).get("/burning/units/new/").status_code == 404
    html = as_user(w.grid_head).get(f"/burning/units/{w.grid.pk}/").content.decode()
    assert 'id="edit-form"' not in html
    # another county's office: the parent is not in its area
    answer = as_user(w.yushu).post(
        "/burning/units/new/",
        {"level": "6", "code": "YS-1", "name": "x", "parent": DONGZHENCHAI},
    )
    assert answer.status_code == 200 and not Unit.objects.filter(code="YS-1").exists()
    assert (
        as_user(w.yushu)
        .post(f"/burning/units/{w.grid.pk}/", {"form": "edit", "name": "x"})
        .status_code
        == 404
    )


def test_the_settings_page_edits_every_division_the_user_is_bound_to(burning_world):
    w = burning_world
    from yimen.accounts.models import RoleBinding

    RoleBinding.objects.create(user=w.county, role=Role.BURNING_COUNTY, division_id="220182000000")
    page = as_user(w.county)
    html = page.get("/burning/settings/").content.decode()
    assert 'id="settings-division"' in html and "榆树市" in html
    assert "榆树市" in page.get("/burning/settings/?division=220182000000").content.decode()
    body = {
        "division": "220182000000",
        "valid_from": "2026-12-08",
        "arrive_minutes": "45",
        "verify_hours": "24",
        "escalate_minutes": "60",
        "join_metres": "1000",
        "join_hours": "24",
        "nearest_metres": "500",
        "county_metres": "20000",
        "photo_metres": "500",
        "grid_tolerance_metres": "50",
        "rectification_days": "30",
        "recheck_percent": "10",
        "first_point_yuan": "500000",
        "later_point_yuan": "300000",
        "season_start_month": "10",
        "season_start_day": "1",
        "season_end_month": "5",
        "season_end_day": "1",
    }
    assert page.post("/burning/settings/", body).status_code == 302
    row = BurningSettings.objects.get()
    assert row.division_id == "220182000000" and row.arrive_minutes == 45
    assert row.valid_from == date(2026, 12, 8)
    # a division the user is not bound to is not offered, nor accepted
    assert page.get("/burning/settings/?division=220000000000").status_code == 404
    assert page.post("/burning/settings/", {**body, "division": "220000000000"}).status_code == 404
    assert BurningSettings.objects.count() == 1
    assert as_user(w.grid_head).get("/burning/settings/").status_code == 404
