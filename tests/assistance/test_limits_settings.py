"""Setting time limits and cycle days per division (issue 14): only administrators above
the division, never in the past, every change audited with old and new values."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tests.factories import NANGUAN, NANLING, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.limits import cycle_days, time_limit_for
from yimen.assistance.models import CaseTimeLimit, CycleSchedule
from yimen.assistance.services.limits import (
    LimitsForbidden,
    LimitsInvalid,
    SettingInForce,
    cycle_schedule_set,
    parse_days,
    time_limit_set,
)
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)
KUANCHENG = "220103000000"
PAGE = "/assistance/settings/"


@pytest.fixture
def county_admin(tree):
    return user_with(Role.SYSTEM_ADMIN, NANGUAN, full_name="南关管理员")


def set_limit(actor, *, division=NANLING, valid_from=date(2027, 1, 1), days=10, working=15,
              reason="区政府 2026 年第 9 号通知"):  # fmt: skip
    return time_limit_set(
        actor=actor, division_code=division, valid_from=valid_from, calendar_days=days,
        statutory_working_days=working, source="南关区民政局通知", reason=reason, today=TODAY,
    )  # fmt: skip


def test_a_time_limit_applies_from_its_date_and_is_audited(county_admin):
    row = set_limit(county_admin)
    assert time_limit_for(NANLING, date(2026, 12, 31)).calendar_days == 15  # the default
    assert time_limit_for("220102001001", date(2027, 1, 1)).calendar_days == 10  # below it
    (event,) = AuditEvent.objects.filter(event_type=EventType.TIME_LIMIT_SET)
    assert event.subject_id == str(row.pk) and event.actor == county_admin
    assert (event.role, event.division_code) == (Role.SYSTEM_ADMIN, NANLING)
    assert event.reason == "区政府 2026 年第 9 号通知" and event.old is None
    assert event.new == {
        "division": NANLING, "valid_from": "2027-01-01", "calendar_days": 10,
        "statutory_working_days": 15, "reassessment_working_days": 10,
        "source": "南关区民政局通知",
    }  # fmt: skip


def test_a_setting_not_yet_in_force_is_corrected_with_old_and_new_values(county_admin):
    set_limit(county_admin)
    set_limit(county_admin, days=12, reason="更正")
    assert CaseTimeLimit.objects.get().calendar_days == 12
    event = AuditEvent.objects.filter(event_type=EventType.TIME_LIMIT_SET).latest("seq")
    assert event.old == {"calendar_days": 10, "statutory_working_days": 15,
                         "reassessment_working_days": 10,
                         "source": "南关区民政局通知"}  # fmt: skip
    assert event.new["calendar_days"] == 12 and event.reason == "更正"


def test_the_past_and_settings_in_force_cannot_change(county_admin):
    with pytest.raises(LimitsInvalid) as refused:
        set_limit(county_admin, valid_from=date(2026, 12, 6))
    assert set(refused.value.fields) == {"valid_from"}
    CaseTimeLimit.objects.create(division_id=NANLING, valid_from=TODAY, source="earlier")
    with pytest.raises(SettingInForce):
        set_limit(county_admin, valid_from=TODAY)
    assert CaseTimeLimit.objects.get().source == "earlier"
    assert not AuditEvent.objects.exists()


def test_every_bad_value_is_reported_at_once(county_admin):
    with pytest.raises(LimitsInvalid) as refused:
        time_limit_set(
            actor=county_admin, division_code="220102999", valid_from=None, calendar_days=0,
            statutory_working_days=61, source="", reason="", today=TODAY,
        )  # fmt: skip
    assert set(refused.value.fields) == {
        "division_code", "valid_from", "calendar_days", "statutory_working_days", "source",
        "reason",
    }  # fmt: skip
    assert refused.value.render("zh-hans") != refused.value.render("en")
    assert not CaseTimeLimit.objects.exists() and not AuditEvent.objects.exists()


def test_a_county_admin_cannot_set_another_countys_limits(county_admin):
    with pytest.raises(LimitsForbidden):
        set_limit(county_admin, division=KUANCHENG)
    caseworker = user_with(Role.TOWNSHIP_CASEWORKER, NANLING)
    with pytest.raises(LimitsForbidden):
        set_limit(caseworker)
    assert not CaseTimeLimit.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("text", "days"),
    [("1,16", (1, 16)), (" 20 ，5", (5, 20)), ("28", (28,)), ("0,16", None), ("1,29", None),
     ("1,1", None), ("", None), ("a,b", None), ("1;16", None)],
)  # fmt: skip
def test_cycle_days_are_days_every_month_has(text, days):
    assert parse_days(text) == days


def test_cycle_days_are_set_and_audited(county_admin):
    cycle_schedule_set(
        actor=county_admin, division_code=ZIQIANG, valid_from=date(2027, 1, 1), days="20,5",
        source="自强街道通知", reason="改为每月 5 日和 20 日", today=TODAY,
    )  # fmt: skip
    assert cycle_days(ZIQIANG, date(2027, 1, 2)) == (5, 20)
    assert CycleSchedule.objects.get().days == "5,20"
    (event,) = AuditEvent.objects.filter(event_type=EventType.CYCLE_SCHEDULE_SET)
    assert event.new["days"] == "5,20" and event.reason == "改为每月 5 日和 20 日"


@time_machine.travel("2026-12-07 10:00 +0800", tick=False)
def test_the_page_lists_the_area_and_saves_through_the_service(client, county_admin):
    CaseTimeLimit.objects.create(division_id=KUANCHENG, valid_from=date(2026, 1, 1),
                                 calendar_days=7, source="宽城区的")  # fmt: skip
    client.force_login(county_admin)
    page = client.get(PAGE)
    assert page.status_code == 200 and "宽城区的" not in page.content.decode()
    form = {"limit-division_code": "220102001", "limit-valid_from": "2027-01-01",
            "limit-calendar_days": "10", "limit-statutory_working_days": "15",
            "limit-source": "南关区民政局通知", "limit-reason": "新规定"}  # fmt: skip
    response = client.post(f"{PAGE}time-limits/", form)
    assert response.status_code == 302
    assert "南关区民政局通知" in client.get(PAGE).content.decode()
    # the self-care re-assessment limit: empty is TK2021 Art.23's 10, 0 is refused
    assert CaseTimeLimit.objects.get(division_id=NANLING).reassessment_working_days == 10
    zero = client.post(f"{PAGE}time-limits/", {**form, "limit-reassessment_working_days": "0"})
    assert zero.status_code == 400
    bad = client.post(f"{PAGE}cycle-schedules/", {
        "cycle-division_code": "220102001", "cycle-valid_from": "2027-01-01",
        "cycle-days": "0,31", "cycle-source": "x", "cycle-reason": "x"})  # fmt: skip
    assert bad.status_code == 400 and not CycleSchedule.objects.exists()
    other = client.post(f"{PAGE}time-limits/", {**form, "limit-division_code": "220103"})
    assert other.status_code == 403
    assert CaseTimeLimit.objects.count() == 2
    assert AuditEvent.objects.filter(event_type=EventType.TIME_LIMIT_SET).count() == 1


def test_only_administrators_open_the_page(client, tree):
    client.force_login(user_with(Role.COUNTY_SUPERVISOR, NANGUAN))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}time-limits/", {}).status_code == 403
