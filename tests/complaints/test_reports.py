"""Reports: routing (township, or the county for township staff), one handler at a time,
the answer, the review of the household, the clock and what is overdue."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.complaints.conftest import REPORTER_NAME, REPORTER_PHONE, lodge
from tests.factories import HUAYANG, NANGUAN, NANLING
from yimen.audit.models import AuditEvent
from yimen.benefits.models import Review, ReviewTrigger
from yimen.complaints import rules
from yimen.complaints.errors import (
    NoSuchHousehold,
    NotAllowed,
    NotTheHandler,
    ReportInvalid,
    TooManyReports,
    WrongState,
)
from yimen.complaints.models import ComplaintSetting, Report, ReportStatus
from yimen.complaints.selectors import reports_visible_to
from yimen.complaints.services import reports as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("kind", "level", "where", "routed"),
    [
        ("household", "", HUAYANG, NANLING),  # a village's household: its township
        ("misconduct", "village", HUAYANG, NANLING),  # village staff: the township
        ("misconduct", "township", NANLING, NANGUAN),  # township staff: the county
        ("misconduct", "township", HUAYANG, NANGUAN),  # named from a village: still county
    ],
)
def test_route(kind, level, where, routed):
    assert rules.route(kind, level, where) == routed


def test_route_refuses_a_county_or_higher():
    with pytest.raises(ValueError):
        rules.route("household", "", NANGUAN)


def test_reports_go_to_the_township_or_the_county(people):
    household = lodge()
    township_staff = lodge(kind="misconduct", level="township", where=NANLING)
    assert household.routed_to_id == NANLING and township_staff.routed_to_id == NANGUAN
    # each handler takes only what is routed to exactly their division
    with pytest.raises(NotAllowed):
        service.report_take(actor=people.county_handler, report=household)
    with pytest.raises(NotAllowed):
        service.report_take(actor=people.handler, report=township_staff)
    with pytest.raises(NotAllowed):
        service.report_take(actor=people.other_handler, report=household)
    service.report_take(actor=people.handler, report=household)
    service.report_take(actor=people.county_handler, report=township_staff)
    assert Report.objects.get(pk=household.pk).handler == people.handler
    # scoping: the other township sees neither; the county supervisor sees both
    assert not reports_visible_to(people.other_handler).exists()
    assert set(reports_visible_to(people.supervisor)) == {household, township_staff}
    assert list(reports_visible_to(people.handler)) == [household]
    assert not reports_visible_to(people.caseworker).exists()  # no complaint role: nothing


def test_invalid_report_writes_nothing(people):
    with pytest.raises(ReportInvalid) as caught:
        service.report_submit(
            data=service.ReportInput(
                kind="nonsense",
                division_code=NANGUAN,  # a county is not a place to report about
                subject_name="",
                text="x" * 2001,
                reporter_phone="12345",
            ),
            address="10.0.0.9",
        )
    assert set(caught.value.fields) == {
        "kind",
        "division_code",
        "subject_name",
        "text",
        "reporter_phone",
    }
    assert not Report.objects.exists() and not AuditEvent.objects.exists()


def test_the_public_door_is_rate_limited_per_address(people):
    for _ in range(service.LIMITS["reports_per_hour"]):
        lodge(address="10.0.0.7")
    with pytest.raises(TooManyReports):
        lodge(address="10.0.0.7")
    lodge(address="10.0.0.8")  # another address is not held back
    assert Report.objects.count() == service.LIMITS["reports_per_hour"] + 1


def test_two_handlers_taking_at_once_one_wins(people):
    report = lodge()
    stale = Report.objects.get(pk=report.pk)  # the second handler's page, read before
    service.report_take(actor=people.handler, report=report)
    with pytest.raises(WrongState):
        service.report_take(actor=people.handler_b, report=stale)
    assert Report.objects.get(pk=report.pk).handler == people.handler
    assert AuditEvent.objects.filter(event_type="complaints.taken").count() == 1


def test_only_the_handler_answers_and_only_once(people):
    report = lodge(name=REPORTER_NAME, phone=REPORTER_PHONE)
    service.report_take(actor=people.handler, report=report)
    with pytest.raises(NotTheHandler):
        service.report_answer(actor=people.handler_b, report=report, finding="founded", answer="x")
    with pytest.raises(ReportInvalid):
        service.report_answer(actor=people.handler, report=report, finding="?", answer="")
    service.report_answer(
        actor=people.handler, report=report, finding="unfounded", answer="经核查不属实"
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED and report.answer == "经核查不属实"
    with pytest.raises(WrongState):
        service.report_answer(actor=people.handler, report=report, finding="founded", answer="再答")
    event = AuditEvent.objects.get(event_type="complaints.answered")
    assert event.actor == people.handler and event.new["finding"] == "unfounded"


def test_the_handler_opens_a_review_of_the_household(people, approved):
    application = approved()
    head = application.members.get(relationship="head")
    report = lodge()
    service.report_take(actor=people.handler, report=report)
    with pytest.raises(NoSuchHousehold):
        service.report_open_review(
            actor=people.handler, report=report, id_number="220102199001011234", summary="核查"
        )
    service.report_open_review(
        actor=people.handler, report=report, id_number=head.id_number, summary="核查车辆"
    )
    review = Review.objects.get(beneficiary=application.beneficiary)
    assert review.trigger == ReviewTrigger.REPORT
    assert report.number in review.report and "核查车辆" in review.report
    assert Report.objects.get(pk=report.pk).review_case == review.case
    # a household in another township is out of the handler's reach
    assert review.case.division_id.startswith(NANLING[:9])


def test_the_clock_counts_working_days_and_shows_overdue(people):
    # pinned Monday 2026-12-07: 15 working days (the example values) → Monday 2026-12-28
    report = lodge()
    assert report.due_on == date(2026, 12, 28) and report.due_is_example
    assert not report.is_overdue(date(2026, 12, 28))
    assert report.is_overdue(date(2026, 12, 29))
    # a dated setting of the county, in force from the 8th, applies to reports from then
    ComplaintSetting.objects.create(
        division_id=NANGUAN,
        valid_from=date(2026, 12, 8),
        answer_working_days=5,
        reexam_request_days=30,
        source="南关区民政局通知",
    )
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI), tick=False):
        later = lodge(address="10.0.0.2")
    assert later.due_on == date(2026, 12, 15) and not later.due_is_example
    assert Report.objects.get(pk=report.pk).due_on == date(2026, 12, 28)  # kept its day
    # the National Day week is skipped and its make-up Saturday (10 October) counted:
    # 15 working days from 30 September 2026 end on 27 October (Monday to Friday: the 21st)
    with time_machine.travel(datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), tick=False):
        around_national_day = lodge(address="10.0.0.3")
    assert around_national_day.due_on == date(2026, 10, 27)


def test_the_county_supervision_lists_overdue_reports(people, client):
    late = lodge()
    lodge(address="10.0.0.4", kind="misconduct", level="township", where=NANLING)
    Report.objects.filter(pk=late.pk).update(due_on=date(2026, 12, 1))
    client.force_login(people.supervisor)
    page = client.get("/complaints/", {"overdue": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert late.number in html and html.count("<tr") == 2  # the header and the late one
    assert 'id="overdue-count"' in html


def test_received_event_carries_no_identity(people):
    report = lodge(reporter=people.citizen, name=REPORTER_NAME, phone=REPORTER_PHONE)
    event = AuditEvent.objects.get(event_type="complaints.received")
    assert event.actor is None and event.subject_id == str(report.pk)
    text = json.dumps([event.new, event.old, event.reason, event.actor_name], ensure_ascii=False)
    assert REPORTER_NAME not in text and REPORTER_PHONE not in text
    assert people.citizen.username not in text
