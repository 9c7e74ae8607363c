"""Issue 21, item 7: a reported change of a member's self-care is re-assessed within 10
working days (TK2021 Art.23) — counted on the statutory calendar, dated per division,
audited, shown as due / overdue on the persons page, the case page and the township
overview, and cleared by the member's next assessment."""

from __future__ import annotations

import datetime as dt
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.assistance.conftest import household_input
from tests.factories import NANLING, user_with
from yimen.accounts.roles import Role
from yimen.assistance.errors import ApplicationInvalid, CannotApply, LimitsInvalid
from yimen.assistance.limits import reassessment_due
from yimen.assistance.models import CaseTimeLimit, SelfCareChange
from yimen.assistance.selectors import reassessment_rows, reassessments_open
from yimen.assistance.services import intake
from yimen.assistance.services.limits import time_limit_set
from yimen.assistance.services.persons import self_care_assess, self_care_change_report
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_MANAGED = dict.fromkeys(
    ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing"), True
)
# Monday 2026-09-28; 1–7 October are the National Day holiday and Saturday 10 October a
# make-up working day: the tenth working day after the report is Friday 16 October (it
# would be Monday 12 October without the holiday)
REPORTED = date(2026, 9, 28)
DUE = date(2026, 10, 16)


def at(day: date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI))


@pytest.fixture
def clock():
    with at(date(2026, 10, 9)) as traveller:
        yield traveller


@pytest.fixture
def application(clock, staff, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return intake.application_create(
        actor=staff.caseworker, data=household_input(assistance_type="tekun")
    )


def report(staff, application, on=REPORTED, text="跌倒后卧床，家属报告"):
    member = application.members.first()
    return self_care_change_report(
        actor=staff.caseworker, member=member, reported_on=on, report=text
    )


@pytest.mark.parametrize(
    ("reported", "due"),
    [
        (REPORTED, DUE),  # across the National Day holiday and a make-up Saturday
        (date(2026, 11, 2), date(2026, 11, 16)),  # an ordinary fortnight
        (date(2026, 9, 30), date(2026, 10, 20)),  # the day before the holiday
    ],
)
def test_the_due_date_counts_ten_working_days_on_the_statutory_calendar(tree, reported, due):
    assert reassessment_due(NANLING, reported) == (due, 10)


def test_a_reported_change_is_stored_audited_and_due(staff, application):
    change = report(staff, application)
    assert (change.due_on, change.working_days, change.cleared_by) == (DUE, 10, None)
    (event,) = AuditEvent.objects.filter(event_type=EventType.SELF_CARE_CHANGE_REPORTED)
    assert event.actor_id == staff.caseworker.pk
    assert event.new["due_on"] == "2026-10-16" and event.reason == "跌倒后卧床，家属报告"


def test_due_on_the_last_day_overdue_the_day_after(staff, application):
    report(staff, application)
    changes = reassessments_open(staff.caseworker)
    assert [r["overdue"] for r in reassessment_rows(changes, DUE)] == [False]
    assert [r["overdue"] for r in reassessment_rows(changes, date(2026, 10, 17))] == [True]


def test_the_ten_days_are_dated_configuration_per_division(staff, application):
    # the township shortens the limit from 1 October: a report before keeps 10 days
    CaseTimeLimit.objects.create(
        division_id=NANLING,
        valid_from=date(2026, 10, 1),
        reassessment_working_days=5,
        source="test: township rule",
    )
    before = report(staff, application, on=date(2026, 9, 30))
    after = report(staff, application, on=date(2026, 10, 8))
    assert (before.due_on, before.working_days) == (date(2026, 10, 20), 10)
    # 9, 10 (make-up Saturday), 12, 13, 14 October
    assert (after.due_on, after.working_days) == (date(2026, 10, 14), 5)


def test_bad_reports_are_refused_by_field_and_write_nothing(staff, application):
    member = application.members.first()
    with pytest.raises(ApplicationInvalid) as refused:
        self_care_change_report(
            actor=staff.caseworker, member=member, reported_on=date(2026, 10, 10), report=" "
        )
    assert set(refused.value.fields) == {"report", "reported_on"}
    with pytest.raises(ApplicationInvalid):
        self_care_change_report(
            actor=staff.caseworker, member=member, reported_on=REPORTED, report="长" * 501
        )
    with pytest.raises(CannotApply):
        self_care_change_report(
            actor=staff.other_caseworker, member=member, reported_on=REPORTED, report="x"
        )
    assert not SelfCareChange.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.SELF_CARE_CHANGE_REPORTED).exists()


def test_an_assessment_on_or_after_the_report_clears_it(staff, application):
    change = report(staff, application)
    member = change.member
    # an assessment dated before the report is not its re-assessment
    self_care_assess(
        actor=staff.caseworker, member=member, assessed_on=date(2026, 9, 20), items=ALL_MANAGED
    )
    assert reassessments_open(staff.caseworker).count() == 1
    assessment = self_care_assess(
        actor=staff.caseworker, member=member, assessed_on=REPORTED, items=ALL_MANAGED
    )
    change.refresh_from_db()
    assert change.cleared_by == assessment
    assert not reassessments_open(staff.caseworker).exists()
    event = AuditEvent.objects.filter(event_type=EventType.SELF_CARE_ASSESSED).latest("pk")
    assert event.new["cleared_changes"] == [change.pk]


def test_the_limit_setting_refuses_an_out_of_range_reassessment_limit(staff, tree):
    admin = user_with(Role.SYSTEM_ADMIN, "220100000000")
    with pytest.raises(LimitsInvalid) as refused:
        time_limit_set(
            actor=admin,
            division_code="220102000000",
            valid_from=timezone.localdate(),
            calendar_days=15,
            statutory_working_days=20,
            reassessment_working_days=0,
            source="test",
            reason="test",
        )
    assert set(refused.value.fields) == {"reassessment_working_days"}
    assert not CaseTimeLimit.objects.exists()


@pytest.mark.urls("tests.assistance.urls_for_tests")
def test_pages_show_due_then_overdue_then_nothing(client, staff, application):
    change = report(staff, application)
    client.force_login(staff.caseworker)
    persons = f"/assistance/applications/{application.pk}/persons/"
    case = f"/assistance/applications/{application.pk}/"
    overview = "/assistance/overview/"
    page = client.get(persons).content.decode()
    assert f'id="reassessment-{change.pk}"' in page and "2026-10-16" in page
    assert 'class="overdue"' not in page
    assert f'id="reassessment-due-{change.pk}"' in client.get(case).content.decode()
    assert client.get(overview).context["reassessments_overdue"] == 0
    with at(date(2026, 10, 19)):
        client.force_login(staff.caseworker)
        body = client.get(overview)
        assert body.context["reassessments_overdue"] == 1
        assert f'id="reassessment-{change.pk}"' in body.content.decode()
        # the assessment through the page clears it everywhere
        done = client.post(
            persons,
            {
                "action": "self_care",
                "c-member": change.member.pk,
                "c-assessed_on": "2026-10-19",
                **{f"c-{k}": "on" for k in ALL_MANAGED},
            },
        )
        assert done.status_code == 302
        assert f'id="reassessment-{change.pk}"' not in client.get(overview).content.decode()
        assert f'id="reassessment-due-{change.pk}"' not in client.get(case).content.decode()


@pytest.mark.urls("tests.assistance.urls_for_tests")
def test_the_page_records_a_change_and_refuses_a_bad_one(client, staff, application):
    client.force_login(staff.caseworker)
    persons = f"/assistance/applications/{application.pk}/persons/"
    member = application.members.first()
    bad = client.post(persons, {"action": "change", "g-member": member.pk, "g-report": "x"})
    assert bad.status_code == 400 and not SelfCareChange.objects.exists()
    ok = client.post(
        persons,
        {
            "action": "change",
            "g-member": member.pk,
            "g-reported_on": "2026-09-28",
            "g-report": "家属报告不能独立行走",
        },
    )
    assert ok.status_code == 302
    assert SelfCareChange.objects.get().due_on == DUE


def test_another_township_does_not_see_the_change(staff, application):
    report(staff, application)
    assert not reassessments_open(staff.other_caseworker).exists()
