"""Notices due by the calendar (issue 22 item 1): a household's periodic review and a
certificate's review window, told once by the daily `yimen notify_due`, through the
stand-in gateway's faults, after the quiet hours, not to those who opted out."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from tests.benefits.conftest import approved, quick_household  # noqa: F401 — fixtures
from tests.factories import HUAYANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Application
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.benefits.models import Beneficiary, BeneficiaryStatus
from yimen.notify.dispatch import dispatch_all
from yimen.notify.due import remind_due
from yimen.notify.models import DueNotice, Notice, OptOut, SmsAttempt, SmsMessage, SmsStatus
from yimen.notify.rules import Delivery, Due, NoticeRule
from yimen.notify.sending import send_due

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 7)
NIGHT = dt.datetime(2026, 12, 7, 2, 0, tzinfo=BEIJING)  # cron's hour, inside quiet hours
MORNING = dt.datetime(2026, 12, 7, 8, 0, tzinfo=BEIJING)
pytestmark = pytest.mark.django_db


def _household_due(approved, on: date, citizen=None):  # noqa: F811
    application = approved()
    if citizen is not None:
        Application.objects.filter(pk=application.pk).update(applicant=citizen)
    Beneficiary.objects.filter(application=application).update(next_review_on=on)
    return Beneficiary.objects.get(application=application)


def test_a_review_due_is_told_once_after_the_quiet_hours_through_the_gateways_faults(
    staff,
    approved,  # noqa: F811 — the fixture
    stand_in,
    settings,
):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    citizen = user_with(Role.APPLICANT, HUAYANG)
    with time_machine.travel(NIGHT - timedelta(days=1), tick=False):
        home = _household_due(approved, TODAY + timedelta(days=15), citizen)
        # the default lead time is 15 days: the day before, nothing is due yet
        assert remind_due(on=TODAY - timedelta(days=1)).told == 0
        dispatch_all()  # the application's own notices, out of the way
        SmsMessage.objects.all().delete()
        Notice.objects.all().delete()
    stand_in.script = ["503", "ok"]
    with time_machine.travel(NIGHT, tick=True) as clock:
        call_command("notify_due", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("notify_due", stdout=open("/dev/null", "w"))  # noqa: SIM115 — rerun
        assert send_due().sent == 0  # 02:00: the text waits for the morning
        clock.move_to(MORNING)
        assert send_due().retrying == 1  # 503
        clock.shift(timedelta(minutes=1, seconds=1))
        assert send_due().sent == 1
        clock.shift(timedelta(days=1))
        call_command("notify_due", stdout=open("/dev/null", "w"))  # noqa: SIM115 — next day
        dispatch_all()

    event = AuditEvent.objects.get(event_type=EventType.NOTICE_DUE)
    assert (event.subject_type, event.subject_id) == ("benefits.beneficiary", str(home.pk))
    assert event.new == {"kind": "benefits.review_due", "due": "2026-12-22"}
    message = SmsMessage.objects.get()
    assert message.kind == "benefits.review_due" and message.phone == "13912345678"
    assert "定期复核" in message.body and "2026-12-22" in message.body
    assert message.status == SmsStatus.SENT and message.attempts == 2
    assert [t.ok for t in SmsAttempt.objects.filter(message=message)] == [False, True]
    assert len(stand_in.seen) == 2 and {s["id"] for s in stand_in.seen} == {f"yimen-{message.pk}"}
    notice = Notice.objects.get()
    assert notice.recipient == citizen and notice.params["due"] == "2026-12-22"
    client = Client()
    client.force_login(citizen)
    page = client.get("/inbox/").content.decode()
    assert "定期复核到期" in page and "2026-12-22" in page
    client.cookies["django_language"] = "en"
    assert "Periodic review due" in client.get("/inbox/").content.decode()


def test_a_new_due_date_is_told_again_a_stopped_household_and_an_opt_out_are_not(staff, settings):
    settings.SMS_QUIET_HOURS = ""
    with time_machine.travel(MORNING, tick=False):
        told = quick_household(staff.caseworker, name="李大")
        opted = quick_household(staff.caseworker, name="王二")
        stopped = quick_household(staff.caseworker, name="赵三")
        later = quick_household(staff.caseworker, name="钱四")
        Beneficiary.objects.update(next_review_on=TODAY + timedelta(days=3))
        Beneficiary.objects.filter(pk=later.pk).update(next_review_on=TODAY + timedelta(days=40))
        Beneficiary.objects.filter(pk=stopped.pk).update(status=BeneficiaryStatus.STOPPED)
        opted_phone = opted.application.phone
        OptOut.objects.create(phone=opted_phone, kind="benefits.review_due")
        assert remind_due(on=TODAY).told == 2
        dispatch_all()
        # the review was decided meanwhile: the next one, a year on, is told in its turn
        Beneficiary.objects.filter(pk=told.pk).update(next_review_on=date(2027, 12, 10))
        assert remind_due(on=TODAY).told == 0
        assert remind_due(on=date(2027, 12, 1)).told == 1
        dispatch_all()
    assert sorted(DueNotice.objects.values_list("subject_id", "due_on")) == sorted(
        [
            (str(told.pk), TODAY + timedelta(days=3)),
            (str(opted.pk), TODAY + timedelta(days=3)),
            (str(told.pk), date(2027, 12, 10)),
        ]
    )
    status = dict(SmsMessage.objects.values_list("phone", "status").distinct())
    assert status[opted_phone] == SmsStatus.OPTED_OUT
    assert status[told.application.phone] == SmsStatus.PENDING
    assert SmsMessage.objects.filter(phone=told.application.phone).count() == 2


def test_a_due_rule_of_another_kind_does_not_tell_anothers_reminder(tree, settings):
    settings.SMS_QUIET_HOURS = ""

    def rule(kind, phone):
        return NoticeRule(
            kind=kind,
            event_type=EventType.NOTICE_DUE,
            label=kind,
            title=kind,
            text="到期 %(x)s",
            deliveries=lambda event: [Delivery(phone=phone, params={"x": event.new["due"]})],
            due=lambda on: [Due("test.thing", "1", on), Due("test.thing", "1", on)],
        )

    rules = [rule("test.a", "13800000001"), rule("test.b", "13800000002")]
    with time_machine.travel(MORNING, tick=False):
        assert remind_due(on=TODAY, kinds={"test.a"}, rules=rules).told == 1  # duplicates: one
        dispatch_all(rules=rules)
    assert list(SmsMessage.objects.values_list("kind", "phone")) == [("test.a", "13800000001")]
    wrong = NoticeRule(
        kind="test.c",
        event_type=EventType.USER_CHANGED,
        label="c",
        title="c",
        text="c",
        deliveries=lambda event: [],
        due=lambda on: [],
    )
    with pytest.raises(ValueError, match=r"test\.c"):
        remind_due(on=TODAY, rules=[wrong])


def test_the_command_refuses_a_bad_day(tree):
    with pytest.raises(CommandError, match="--on"):
        call_command("notify_due", on="2026-13-01")


def test_a_review_decision_is_served_on_the_household_even_if_it_opted_out(staff, settings):
    from yimen.benefits.models import Review, ReviewOutcome
    from yimen.benefits.services import reviews
    from yimen.benefits.services.reviews import ReviewDecision
    from yimen.workflow import services as workflow
    from yimen.workflow.models import Task

    settings.SMS_QUIET_HOURS = ""
    with time_machine.travel(MORNING, tick=True):
        home = quick_household(staff.caseworker, name="孙五")
        Beneficiary.objects.filter(pk=home.pk).update(next_review_on=TODAY + timedelta(days=3))
        OptOut.objects.create(phone=home.application.phone, kind="")
        assert reviews.reviews_open_due(TODAY) == 1
        review = Review.objects.get(beneficiary=home)
        task = Task.objects.get(case=review.case, step="recheck")
        workflow.task_complete(task_id=task.pk, actor=staff.caseworker, reason="入户核查")
        reviews.review_decide(
            actor=staff.approver,
            decision=ReviewDecision(review.pk, ReviewOutcome.STOP, "收入已超过保障标准"),
            today=TODAY,
        )
        dispatch_all()
    message = SmsMessage.objects.get(kind="benefits.review_decided")
    assert message.status == SmsStatus.PENDING  # served: the opt-out does not hold
    assert "停止" in message.body and "2027年1月" in message.body
    assert "收入已超过保障标准" in message.body
