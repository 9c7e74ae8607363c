"""Fire points in: a FIRMS file placed in the grids, re-imported idempotently, refused as a
whole; nearby detections joining an open case; permitted versus banned zones; points
outside every grid; the bulletin's county by name; scoping of imports and reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tests.burning.conftest import TODAY, centre, firms, utc
from yimen.audit.models import AuditEvent
from yimen.burning import synthetic
from yimen.burning.errors import NotAllowed, NotInScope, NotLimitedZone, RowsRefused
from yimen.burning.models import CaseStatus, Detection, FireCase, FireImport, ZoneKind
from yimen.burning.services.fires import fire_report, fires_import
from yimen.burning.services.tree import permit_issue, zone_set
from yimen.notify.dispatch import dispatch_all
from yimen.notify.models import Notice, SmsMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def run(world, points, actor=None, name="fire.csv"):
    return fires_import(data=firms(points), filename=name, actor=actor or world.county)


def test_a_detection_in_a_ban_grid_opens_a_case_routed_with_the_clock(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    record = run(w, [(lon, lat, utc(2026, 12, 7, 1, 40), "n")])
    assert (record.rows, record.new, record.cases_opened) == (1, 1, 1)
    case = FireCase.objects.get()
    assert case.unit == w.grid and case.status == CaseStatus.DISPATCHED
    assert case.zone_kind == ZoneKind.BAN
    assert case.responsible == w.baobao and case.grid_head == w.grid_head
    assert case.township_code == "220122101" and case.county_code == "220122"
    assert case.arrive_due_at - case.opened_at == timedelta(minutes=30)
    assert case.verify_due_at - case.opened_at == timedelta(hours=24)
    assert case.number.startswith("HD22012220261207")
    dispatch_all()  # yimen notify: the dispatch reaches the grid's people and the township
    told = {n.recipient_id: n for n in Notice.objects.filter(kind="burning.dispatched")}
    assert set(told) == {w.baobao.pk, w.grid_head.pk, w.township.pk}
    assert told[w.grid_head.pk].params["number"] == case.number
    assert told[w.grid_head.pk].link == f"/burning/cases/{case.pk}/"
    assert AuditEvent.objects.filter(event_type="burning.case_opened").count() == 1
    assert AuditEvent.objects.filter(event_type="burning.fires_imported").count() == 1


def test_the_dispatch_is_texted_at_once_to_the_phone_on_the_assignment(burning_world):
    from yimen.burning.models import AssignmentKind
    from yimen.burning.services.tree import assignment_set

    w = burning_world
    assignment_set(
        unit=w.grid,
        kind=AssignmentKind.GRID_HEAD,
        person=w.grid_head,
        valid_from=date(2026, 12, 1),
        phone="139 0431 0001",
        actor=w.county,
    )
    lon, lat = centre(w.grid)
    run(w, [(lon, lat, utc(2026, 12, 6, 17, 30), "n")])  # 01:30 Beijing: quiet hours
    dispatch_all()
    text = SmsMessage.objects.get(phone="13904310001")
    assert text.urgent and text.next_attempt_at <= timezone.now()
    assert "请于" in text.body and FireCase.objects.get().number in text.body


def test_a_permitted_burning_tells_nobody(burning_world):
    w = burning_world
    zone_set(unit=w.grid, kind=ZoneKind.LIMITED, valid_from=date(2026, 11, 1), actor=w.county)
    start = timezone.make_aware(datetime(2026, 12, 7, 8))
    permit_issue(
        unit=w.grid,
        holder="甲",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        actor=w.county,
    )
    lon, lat = centre(w.grid)
    run(w, [(lon, lat, utc(2026, 12, 7, 3), "n")])
    dispatch_all()
    assert not Notice.objects.filter(kind="burning.dispatched").exists()


def test_reimporting_the_same_file_adds_nothing(burning_world):
    w = burning_world
    points = [(lon, lat, at, c) for lon, lat, at, c in synthetic.week_of_points(TODAY)]
    first = run(w, points)
    again = run(w, points, name="again.csv")
    assert first.new == len(points) and again.new == 0 and again.duplicates == len(points)
    assert Detection.objects.count() == len(points)
    assert FireImport.objects.count() == 2


def test_a_file_with_a_bad_row_imports_nothing(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    data = firms([(lon, lat, utc(2026, 12, 7), "n")]).decode()
    data += "94.5,125.1,330,0.4,0.4,2026-12-07,0530,N20,VIIRS,n,2.0NRT,290,3,D\n"
    with pytest.raises(RowsRefused) as refused:
        fires_import(data=data.encode(), filename="bad.csv", actor=w.county)
    assert [n for n, _ in refused.value.rows] == [3]
    assert Detection.objects.count() == FireCase.objects.count() == FireImport.objects.count() == 0


def test_nearby_detections_join_the_open_case(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    run(w, [(lon, lat, utc(2026, 12, 7, 1), "n")])
    record = run(
        w,
        [
            (lon + 0.003, lat, utc(2026, 12, 7, 5), "h"),  # 240 m away, 4 h later: joins
            (lon, lat, utc(2026, 12, 8, 12), "n"),  # same place, 31 h after the last: new case
            (lon + 0.02, lat, utc(2026, 12, 7, 5), "n"),  # 1.6 km away: a new case
        ],
    )
    assert record.joined == 1 and record.cases_opened == 2
    first = FireCase.objects.order_by("pk").first()
    assert first.detections.count() == 2
    assert first.last_detected_at == utc(2026, 12, 7, 5)


def test_detections_in_one_file_join_each_other(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    record = run(
        w, [(lon, lat, utc(2026, 12, 7, 1), "n"), (lon, lat + 0.001, utc(2026, 12, 7, 2), "n")]
    )
    assert record.cases_opened == 1 and record.joined == 1


def test_limited_zone_under_a_permit_is_permitted_and_closed_without_a_permit_it_is_a_case(
    burning_world,
):
    w = burning_world
    zone_set(unit=w.grid, kind=ZoneKind.LIMITED, valid_from=date(2026, 11, 1), actor=w.county)
    start = timezone.make_aware(datetime(2026, 12, 7, 8))
    permit = permit_issue(
        unit=w.grid,
        holder="东榛柴村张三",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        actor=w.county,
    )
    lon, lat = centre(w.grid)
    run(w, [(lon, lat, utc(2026, 12, 7, 3), "n")])  # 11:00 Beijing, inside the window
    case = FireCase.objects.get()
    assert case.status == CaseStatus.PERMITTED and case.permit == permit
    assert case.outcome == "permitted" and case.closed_at is not None
    assert case.arrive_due_at is None
    run(w, [(lon, lat, utc(2026, 12, 8, 3), "n")], name="later.csv")  # next day: no permit
    later = FireCase.objects.exclude(pk=case.pk).get()
    assert later.status == CaseStatus.DISPATCHED and later.zone_kind == ZoneKind.LIMITED


def test_a_permit_needs_a_limited_zone_on_every_day(burning_world):
    w = burning_world
    zone_set(unit=w.grid, kind=ZoneKind.LIMITED, valid_from=date(2026, 12, 1), actor=w.county)
    zone_set(unit=w.grid, kind=ZoneKind.BAN, valid_from=date(2026, 12, 9), actor=w.county)
    start = timezone.make_aware(datetime(2026, 12, 7, 8))
    with pytest.raises(NotLimitedZone):
        permit_issue(
            unit=w.grid,
            holder="甲",
            starts_at=start,
            ends_at=start + timedelta(days=2),
            actor=w.county,
        )
    # the ban zone from 9 Dec on ended the limited zone the day before
    assert list(w.grid.zones.order_by("valid_from").values_list("kind", "valid_to")) == [
        ("limited", date(2026, 12, 8)),
        ("ban", None),
    ]


def test_points_outside_every_grid(burning_world):
    w = burning_world
    east = synthetic.ORIGIN[0] + 3 * synthetic.VILLAGE_SIZE[0]
    record = run(
        w,
        [
            (east + 0.004, 44.36, utc(2026, 12, 7), "n"),  # 320 m from the last grid
            (east + 0.1, 44.36, utc(2026, 12, 7), "n"),  # 8 km: the county's, no grid
            (127.5, 45.5, utc(2026, 12, 7), "n"),  # far away: not ours
        ],
    )
    near, county, outside = Detection.objects.order_by("longitude")
    assert near.placement == "nearest" and 250 < near.distance_m < 400 and near.unit.level == 6
    assert county.placement == "county" and county.unit.code == "220122000000"
    assert county.case.responsible == w.county
    assert outside.placement == "outside" and outside.case is None and outside.division is None
    assert record.outside == 1 and record.cases_opened == 2


def test_bulletin_point_outside_the_grids_goes_to_its_county_by_name(burning_world):
    w = burning_world
    header = "设区市,县（市、区）,乡镇,中心经度,中心纬度,卫星过境日期"
    row = "长春市,农安县,伏龙泉镇,125°30'0\"E,44°30'0\"N,2026-12-06"
    fires_import(data=f"{header}\n{row}\n".encode(), filename="通报.csv", actor=w.inspector)
    point = Detection.objects.get()
    assert point.source == "bulletin" and point.placement == "county"
    assert point.county_code == "220122" and point.day == date(2026, 12, 6)
    assert point.reported_place == "长春市 农安县 伏龙泉镇"


def test_an_import_places_points_only_in_the_importers_area(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    record = run(w, [(lon, lat, utc(2026, 12, 7), "n")], actor=w.yushu)
    assert record.outside == 1 and FireCase.objects.count() == 0
    with pytest.raises(NotAllowed):
        run(w, [(lon, lat, utc(2026, 12, 7), "n")], actor=w.grid_head)


def test_a_patrol_report_opens_a_case_and_one_outside_the_area_is_refused(burning_world):
    w = burning_world
    lon, lat = centre(w.grid)
    seen = timezone.now()
    point = fire_report(
        actor=w.grid_head, source="patrol", longitude=lon, latitude=lat, seen_at=seen
    )
    assert point.case.unit == w.grid and point.reported_by == w.grid_head
    other_lon, other_lat = centre(w.unit("220122102200-G01"))
    with pytest.raises(NotInScope):
        fire_report(
            actor=w.grid_head,
            source="hotline",
            longitude=other_lon,
            latitude=other_lat,
            seen_at=seen,
        )
    assert Detection.objects.count() == 1
