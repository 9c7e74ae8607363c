"""Inspection groups: created and edited by the city's or province's environment staff
(members checked against the counties, numbers unique, edits audited with the old values),
visits recorded only by members in a county assigned on that day — services directly, the
pages over HTTP, scoping that fails closed."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from tests.burning.conftest import NONGAN
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.burning.errors import (
    BadInput,
    GroupNumberTaken,
    MemberOutOfScope,
    NotAllowed,
    NotGroupMember,
    NotInScope,
)
from yimen.burning.models import GroupCounty, InspectionGroup, Visit
from yimen.burning.services.inspections import (
    CountyPeriod,
    group_create,
    group_update,
    visit_record,
)
from yimen.regions.models import Division

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

PROVINCE, CITY, YUSHU = "220000000000", "220100000000", "220182000000"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def division(code: str) -> Division:
    return Division.objects.get(pk=code)


@pytest.fixture
def member(burning_world):
    return user_with(Role.INSPECTION_MEMBER, PROVINCE, full_name="督查组员")


@pytest.fixture
def group(burning_world, member) -> InspectionGroup:
    return group_create(
        number=3,
        name="第三督查组",
        leader="马超",
        division=division(PROVINCE),
        members=[member],
        counties=[CountyPeriod(division(NONGAN), date(2026, 11, 1), date(2026, 12, 31))],
        actor=burning_world.inspector,
    )


def test_a_group_is_created_with_members_and_dated_counties_and_audited(group, member):
    assert list(group.members.all()) == [member]
    assert [(c.county_id, c.date_from) for c in group.counties.all()] == [
        (NONGAN, date(2026, 11, 1))
    ]
    event = AuditEvent.objects.filter(event_type=EventType.BURNING_GROUP_SET).get()
    assert event.new["number"] == 3 and event.new["members"] == [member.pk]


def test_numbers_are_unique_and_bad_input_writes_nothing(burning_world, group, member):
    w = burning_world
    values = {
        "name": "另一组",
        "leader": "",
        "division": division(PROVINCE),
        "members": [],
        "actor": w.inspector,
    }
    with pytest.raises(GroupNumberTaken):
        group_create(number=3, counties=[], **values)
    with pytest.raises(BadInput):  # ends before it starts
        group_create(
            number=4,
            counties=[CountyPeriod(division(NONGAN), date(2026, 12, 31), date(2026, 12, 1))],
            **values,
        )
    with pytest.raises(BadInput):  # the same county twice on overlapping days
        group_create(
            number=4,
            counties=[
                CountyPeriod(division(NONGAN), date(2026, 11, 1), date(2026, 11, 30)),
                CountyPeriod(division(NONGAN), date(2026, 11, 30), date(2026, 12, 31)),
            ],
            **values,
        )
    with pytest.raises(BadInput):  # not a county
        group_create(
            number=4,
            counties=[CountyPeriod(division(CITY), date(2026, 11, 1), date(2026, 11, 30))],
            **values,
        )
    with pytest.raises(BadInput):  # no name
        group_create(number=4, counties=[], **{**values, "name": "  "})
    assert InspectionGroup.objects.count() == 1


def test_every_member_must_hold_an_inspection_role_over_every_county(burning_world):
    w = burning_world
    city_member = user_with(Role.INSPECTION_MEMBER, "220182000000", full_name="榆树组员")
    with pytest.raises(MemberOutOfScope) as refused:
        group_create(
            number=5,
            name="第五督查组",
            leader="",
            division=division(PROVINCE),
            members=[city_member],
            counties=[CountyPeriod(division(NONGAN), date(2026, 11, 1), date(2026, 11, 30))],
            actor=w.inspector,
        )
    assert "榆树组员" in refused.value.render("zh-hans")
    with pytest.raises(MemberOutOfScope):  # a county office is not an inspection member
        group_create(
            number=5,
            name="第五督查组",
            leader="",
            division=division(PROVINCE),
            members=[w.county],
            counties=[],
            actor=w.inspector,
        )
    assert not InspectionGroup.objects.filter(number=5).exists()


def test_only_environment_staff_of_the_area_create_and_edit(burning_world, group):
    w = burning_world
    with pytest.raises(NotAllowed):
        group_create(
            number=6,
            name="县里的组",
            leader="",
            division=division(NONGAN),
            members=[],
            counties=[],
            actor=w.county,
        )
    city = user_with(Role.ENV_INSPECTOR, CITY, full_name="长春市生态环境局")
    # a city's inspector cannot edit the province's group, nor move it into the city
    with pytest.raises(NotInScope):
        group_update(
            group=group,
            name="改名",
            leader="",
            division=division(CITY),
            members=[],
            counties=[],
            actor=city,
        )
    group.refresh_from_db()
    assert group.name == "第三督查组"


def test_an_edit_replaces_members_and_counties_and_keeps_the_old_in_the_log(
    burning_world, group, member
):
    w = burning_world
    second = user_with(Role.INSPECTION_MEMBER, PROVINCE, full_name="第二组员")
    group_update(
        group=group,
        name="第三督查组（调整）",
        leader="马超",
        division=division(PROVINCE),
        members=[second],
        counties=[
            CountyPeriod(division(NONGAN), date(2026, 12, 1), date(2026, 12, 20)),
            CountyPeriod(division(YUSHU), date(2026, 12, 1), date(2026, 12, 20)),
        ],
        actor=w.inspector,
        reason="轮换组员",
    )
    group.refresh_from_db()
    assert group.name == "第三督查组（调整）"
    assert list(group.members.all()) == [second]
    assert sorted(GroupCounty.objects.filter(group=group).values_list("county_id", flat=True)) == [
        NONGAN,
        YUSHU,
    ]
    event = AuditEvent.objects.filter(event_type=EventType.BURNING_GROUP_SET).last()
    assert event.old["members"] == [member.pk] and event.new["members"] == [second.pk]
    assert event.reason == "轮换组员"


def test_visits_only_by_members_in_the_groups_counties(burning_world, group, member):
    county = division(NONGAN)
    outsider = user_with(Role.INSPECTION_MEMBER, PROVINCE, full_name="另一组员")
    visit = visit_record(
        group=group,
        county=county,
        visited_on=date(2026, 12, 7),
        places="伏龙泉镇",
        findings="公路沿线发现火点，已责令扑灭",
        cases=[],
        actor=member,
    )
    assert visit.group == group
    for actor, day in ((outsider, date(2026, 12, 7)), (member, date(2027, 1, 7))):
        with pytest.raises(NotGroupMember):
            visit_record(
                group=group,
                county=county,
                visited_on=day,
                places="x",
                findings="y",
                cases=[],
                actor=actor,
            )
    assert Visit.objects.count() == 1


# --- pages -------------------------------------------------------------------------------


def _group_post(**extra) -> dict:
    body = {
        "number": "7",
        "name": "第七督查组",
        "leader": "李强",
        "division": PROVINCE,
        "counties-TOTAL_FORMS": "3",
        "counties-INITIAL_FORMS": "0",
        "counties-MIN_NUM_FORMS": "0",
        "counties-MAX_NUM_FORMS": "30",
        "counties-0-county": NONGAN,
        "counties-0-date_from": "2026-12-01",
        "counties-0-date_to": "2026-12-31",
        "counties-1-county": "",
        "counties-1-date_from": "",
        "counties-1-date_to": "",
        "counties-2-county": "",
        "counties-2-date_from": "",
        "counties-2-date_to": "",
    }
    body.update(extra)
    return body


def test_the_inspector_creates_and_edits_a_group_on_the_page(burning_world, member):
    page = as_user(burning_world.inspector)
    form = page.get("/burning/inspections/groups/new/")
    assert form.status_code == 200 and "督查组员" in form.content.decode()
    answer = page.post("/burning/inspections/groups/new/", _group_post(members=[str(member.pk)]))
    assert answer.status_code == 302
    group = InspectionGroup.objects.get(number=7)
    assert list(group.members.all()) == [member]
    shown = page.get(f"/burning/inspections/groups/{group.pk}/").content.decode()
    assert "第七督查组" in shown and 'id="group-edit"' in shown and "农安县" in shown
    edited = page.post(
        f"/burning/inspections/groups/{group.pk}/edit/",
        _group_post(
            name="第七督查组（二轮）",
            reason="第二轮督查",
            **{"counties-0-date_to": "2026-12-15", "counties-INITIAL_FORMS": "1"},
        ),
    )
    assert edited.status_code == 302
    group.refresh_from_db()
    assert group.name == "第七督查组（二轮）" and group.number == 7
    assert group.counties.get().date_to == date(2026, 12, 15)
    assert list(group.members.all()) == []


def test_a_half_filled_county_row_is_refused_and_writes_nothing(burning_world):
    page = as_user(burning_world.inspector)
    answer = page.post(
        "/burning/inspections/groups/new/", _group_post(**{"counties-0-date_to": ""})
    )
    assert answer.status_code == 200
    assert "请选择县并填写起止日期" in answer.content.decode()
    assert not InspectionGroup.objects.exists()


def test_a_member_records_a_visit_on_the_groups_page(burning_world, group, member):
    page = as_user(member)
    shown = page.get(f"/burning/inspections/groups/{group.pk}/").content.decode()
    assert 'id="visit-form"' in shown and 'id="group-edit"' not in shown
    answer = page.post(
        f"/burning/inspections/groups/{group.pk}/",
        {
            "group": str(group.pk),
            "county": NONGAN,
            "visited_on": "2026-12-07",
            "places": "东榛柴村",
            "findings": "网格长在岗，未见火点",
            "cases": "",
        },
    )
    assert answer.status_code == 302 and Visit.objects.get().recorded_by == member


def test_group_pages_fail_closed(burning_world, group):
    w = burning_world
    county, caseworker = as_user(w.county), as_user(user_with(Role.TOWNSHIP_CASEWORKER, NONGAN))
    # the county office reads the groups but may neither create, edit nor record a visit
    assert county.get(f"/burning/inspections/groups/{group.pk}/").status_code == 200
    assert county.get("/burning/inspections/groups/new/").status_code == 404
    assert county.get(f"/burning/inspections/groups/{group.pk}/edit/").status_code == 404
    assert county.post(f"/burning/inspections/groups/{group.pk}/", {}).status_code == 404
    for url in (
        "/burning/inspections/",
        f"/burning/inspections/groups/{group.pk}/",
        "/burning/inspections/groups/new/",
    ):
        assert caseworker.get(url).status_code == 404
    assert as_user(w.inspector).get("/burning/inspections/groups/99999/").status_code == 404
