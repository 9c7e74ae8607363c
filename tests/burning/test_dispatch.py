"""The clock and the site: escalation up the 包保 chain when the on-site or verification
clock runs out, arrival, verification with photos (the far one flagged), the township's
return and signed closing, and who may do each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.burning.conftest import centre, firms, jpeg, utc
from yimen.audit.models import AuditEvent
from yimen.burning import rules
from yimen.burning.errors import (
    AreaNeeded,
    NotAllowed,
    PhotoNeeded,
    ReasonNeeded,
    WrongState,
)
from yimen.burning.models import BurningSettings, CaseStatus, FireCase, Photo
from yimen.burning.services.dispatch import (
    PhotoIn,
    case_arrive,
    case_close,
    case_return,
    case_verify,
    cases_escalate,
)
from yimen.burning.services.fires import fires_import
from yimen.notify.dispatch import dispatch_all
from yimen.notify.models import Notice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture
def case(burning_world) -> FireCase:
    lon, lat = centre(burning_world.grid)
    fires_import(
        data=firms([(lon, lat, utc(2026, 12, 7, 1), "n")]),
        filename="f.csv",
        actor=burning_world.county,
    )
    return FireCase.objects.get()


def test_escalation_rule_levels():
    now = timezone.now()
    kw = dict(arrived_at=None, verified_at=None, escalate_minutes=60, county_level=3, top_level=4)
    due = now - timedelta(minutes=1)
    assert rules.escalation_target(now=now, arrive_due_at=now, verify_due_at=now, **kw) == (0, "")
    assert rules.escalation_target(now=now, arrive_due_at=due, verify_due_at=None, **kw) == (
        1,
        "arrival",
    )
    late = now - timedelta(minutes=125)
    assert rules.escalation_target(now=now, arrive_due_at=late, verify_due_at=None, **kw)[0] == 3
    way_late = now - timedelta(hours=30)
    assert (
        rules.escalation_target(now=now, arrive_due_at=way_late, verify_due_at=None, **kw)[0] == 4
    )
    # arrived in time but not verified within 24 h: straight to the county
    kw["arrived_at"] = now
    assert rules.escalation_target(now=now, arrive_due_at=due, verify_due_at=due, **kw) == (
        3,
        "verification",
    )


def test_overdue_arrival_climbs_the_chain_one_level_per_hour(burning_world, case):
    w = burning_world
    assert cases_escalate(now=case.arrive_due_at - timedelta(minutes=1)).escalations == 0
    run = cases_escalate(now=case.arrive_due_at + timedelta(minutes=1))
    assert run.escalations == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    first = case.escalations.get()
    assert first.unit.code == "220122101201" and first.reason == "arrival"  # the village
    dispatch_all()
    assert Notice.objects.filter(kind="burning.escalated", recipient=w.baobao).exists()
    # rerunning at the same moment changes nothing
    assert cases_escalate(now=case.arrive_due_at + timedelta(minutes=2)).escalations == 0
    # 61 minutes more: the township; its responsible person is told
    cases_escalate(now=case.arrive_due_at + timedelta(minutes=62))
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert case.escalations.get(level=2).unit.code == "220122101000"
    dispatch_all()
    told = Notice.objects.filter(kind="burning.escalated", recipient=w.township).get()
    assert told.params["unit"] == "伏龙泉镇"
    assert AuditEvent.objects.filter(event_type="burning.escalated").count() == 2


def test_the_clock_follows_the_dated_setting(burning_world):
    w = burning_world
    BurningSettings.objects.create(
        division_id="220122000000",
        valid_from=timezone.localdate() - timedelta(days=1),
        arrive_minutes=45,
        verify_hours=12,
    )
    lon, lat = centre(w.grid)
    fires_import(data=firms([(lon, lat, utc(2026, 12, 7, 1), "n")]), filename="f", actor=w.county)
    case = FireCase.objects.get()
    assert case.arrive_due_at - case.opened_at == timedelta(minutes=45)
    assert case.verify_due_at - case.opened_at == timedelta(hours=12)


def test_verification_overdue_goes_to_the_county(burning_world, case):
    case_arrive(
        case=case, actor=burning_world.grid_head, at=case.arrive_due_at - timedelta(minutes=5)
    )
    cases_escalate(now=case.verify_due_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case.escalations.order_by("level").last().unit.code == "220122000000"
    assert {e.reason for e in case.escalations.all()} == {"verification"}


def test_arrival_then_verification_with_a_flagged_photo(burning_world, case):
    w = burning_world
    case_arrive(case=case, actor=w.grid_head)
    assert case.status == CaseStatus.ON_SITE and case.response_minutes() is not None
    near = jpeg(case.longitude + 0.001, case.latitude)  # 80 m away
    far = jpeg(case.longitude + 0.02, case.latitude)  # 1.6 km away
    no_gps = jpeg()
    record = case_verify(
        case=case,
        actor=w.grid_head,
        outcome="straw_fire",
        burnt_area_m2=700,
        responsible_party="村民王某",
        handling="当场扑灭，移交派出所",
        photos=[
            PhotoIn("near.jpg", near),
            PhotoIn("far.jpg", far),
            PhotoIn(
                "phone.jpg", no_gps, device_lon=case.longitude, device_lat=case.latitude + 0.0005
            ),
        ],
    )
    photos = {p.file.name.rsplit("-", 1)[-1]: p for p in Photo.objects.filter(verification=record)}
    assert photos["1.jpg"].position == "exif" and not photos["1.jpg"].flagged
    assert 60 < photos["1.jpg"].distance_m < 100
    assert photos["2.jpg"].flagged and photos["2.jpg"].distance_m > 1500
    assert photos["3.jpg"].position == "device" and not photos["3.jpg"].flagged
    assert timezone.localtime(photos["1.jpg"].taken_at).hour == 10  # EXIF time, Beijing
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED and case.photo_flagged
    assert case.outcome == "straw_fire" and case.burnt_area_m2 == 700


def test_verification_needs_photos_a_reason_or_an_area(burning_world, case):
    w = burning_world
    photo = [PhotoIn("a.jpg", jpeg(case.longitude, case.latitude))]
    with pytest.raises(PhotoNeeded):
        case_verify(case=case, actor=w.grid_head, outcome="false", reason="垃圾焚烧", photos=[])
    with pytest.raises(ReasonNeeded):
        case_verify(case=case, actor=w.grid_head, outcome="industrial", photos=photo)
    with pytest.raises(AreaNeeded):
        case_verify(case=case, actor=w.grid_head, outcome="straw_fire", photos=photo)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_a_photo_without_any_position_is_flagged(burning_world, case):
    case_verify(
        case=case,
        actor=burning_world.baobao,
        outcome="false",
        reason="祭祀烧纸",
        photos=[PhotoIn("a.jpg", jpeg())],
    )
    assert Photo.objects.get().flagged and Photo.objects.get().position == "none"


def test_the_township_returns_then_signs_the_case_closed(burning_world, case):
    w = burning_world
    photo = [PhotoIn("a.jpg", jpeg(case.longitude, case.latitude))]
    case_verify(
        case=case, actor=w.grid_head, outcome="false", reason="误报：温室大棚", photos=photo
    )
    with pytest.raises(NotAllowed):
        case_close(case=case, actor=w.grid_head)
    with pytest.raises(NotAllowed):
        case_close(case=case, actor=w.other_township)
    with pytest.raises(NotAllowed):
        case_close(case=case, actor=w.county)  # the county's view is read-only
    case_return(case=case, actor=w.township, reason="照片不清，请补拍")
    assert case.status == CaseStatus.ON_SITE and case.verified_at is None
    case_verify(
        case=case, actor=w.grid_head, outcome="false", reason="误报：温室大棚", photos=photo
    )
    case_close(case=case, actor=w.township, note="核实为误报")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_by == w.township
    event = AuditEvent.objects.get(event_type="burning.closed")
    assert event.signer_id == w.township.pk
    with pytest.raises(WrongState):
        case_close(case=case, actor=w.township)


def test_only_field_people_of_the_area_may_verify(burning_world, case):
    w = burning_world
    photo = [PhotoIn("a.jpg", jpeg(case.longitude, case.latitude))]
    for outsider in (w.county, w.inspector, w.other_township, w.yushu):
        with pytest.raises(NotAllowed):
            case_arrive(case=case, actor=outsider)
        with pytest.raises(NotAllowed):
            case_verify(case=case, actor=outsider, outcome="false", reason="x", photos=photo)


def test_the_clock_command_escalates(burning_world, case):
    import io

    import time_machine
    from django.core.management import call_command

    out = io.StringIO()
    with time_machine.travel(case.arrive_due_at + timedelta(minutes=5), tick=False):
        call_command("burning_clock", stdout=out)
    assert "escalations: 1" in out.getvalue()
    assert FireCase.objects.get(pk=case.pk).escalation_level == 1
