"""The one notification channel (issue 22 item 1): events become notices and texts once,
the gateway's faults are retried with backoff, quiet hours and opt-outs hold."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.assistance.conftest import household_input
from tests.factories import HUAYANG, user_with
from yimen.accounts.roles import Role
from yimen.assistance.services import intake, steps
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.services import record_event
from yimen.notify import dispatch as dispatching
from yimen.notify.models import Cursor, Notice, OptOut, SmsAttempt, SmsMessage, SmsStatus
from yimen.notify.phones import normalise_phone
from yimen.notify.quiet import first_moment_allowed
from yimen.notify.rules import Delivery, NoticeRule
from yimen.notify.sending import send_due

from .standin import RecordingGateway

BEIJING = ZoneInfo("Asia/Shanghai")
NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=BEIJING)
pytestmark = pytest.mark.django_db


@pytest.fixture
def daytime(settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    with time_machine.travel(NOON, tick=False):
        yield NOON


def test_an_application_tells_its_applicant_once_each(staff, daytime, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    caseworker = staff.caseworker
    application = intake.application_create(actor=caseworker, data=household_input(signed=False))
    steps.case_accept(actor=caseworker, application=application)  # → missing materials

    first = dispatching.dispatch_all()
    Cursor.objects.update(seq=0)  # as after a crash before the cursor moved
    again = dispatching.dispatch_all()

    texts = list(SmsMessage.objects.order_by("pk"))
    assert [m.kind for m in texts] == ["assistance.received", "assistance.missing"]
    assert first.messages == 2 and again.messages == 2  # queued again, written once
    assert {m.phone for m in texts} == {"13912345678"}
    assert application.receipt_code and application.receipt_code in texts[0].body
    assert texts[0].body.startswith("【") and "已受理" in texts[0].body
    assert "身份证" in texts[1].body
    assert Notice.objects.count() == 0  # entered by staff: no applicant account, text only


def test_the_decision_is_told_and_cannot_be_opted_out_of(staff, daytime, settings, tmp_path):
    from tests.assistance.test_case_paths import attach_basics, investigate

    settings.MEDIA_ROOT = tmp_path
    OptOut.objects.create(phone="13912345678", kind="")  # every optional text off
    application = intake.application_create(actor=staff.caseworker, data=household_input())
    attach_basics(staff.caseworker, application)
    steps.case_accept(actor=staff.caseworker, application=application)
    investigate(staff, application)
    steps.case_decide(
        actor=staff.approver, application=application, approve=False, reasons="家庭存款超过规定"
    )
    dispatching.dispatch_all()
    status = dict(SmsMessage.objects.values_list("kind", "status"))
    assert status == {
        "assistance.received": SmsStatus.OPTED_OUT,  # optional
        "assistance.refused": SmsStatus.PENDING,  # the law requires it served
    }
    refused = SmsMessage.objects.get(kind="assistance.refused")
    assert "家庭存款超过规定" in refused.body


def _rule(kind="test.hello", optional=True, urgent=False, user=None, phone="13800000001"):
    return NoticeRule(
        kind=kind,
        event_type=EventType.USER_CHANGED,
        label="hello",
        title="Hello %(name)s",
        text="Hello %(name)s",
        deliveries=lambda event: [Delivery(user=user, phone=phone, params={"name": "王"})],
        optional=optional,
        urgent=urgent,
    )


def _event():
    return record_event(event_type=EventType.USER_CHANGED, subject=("accounts.user", "1"))


def test_the_inbox_shows_ones_own_notices_in_ones_language(tree, daytime):
    citizen = user_with(Role.APPLICANT, HUAYANG)
    other = user_with(Role.APPLICANT, HUAYANG)
    _event()
    dispatching.dispatch_all(rules=[_rule(user=citizen)])
    notice = Notice.objects.get()
    client = Client()
    client.force_login(other)
    assert "Hello" not in client.get("/inbox/").content.decode()
    client.post("/inbox/read/", {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None  # another's notice is not theirs to mark
    client.force_login(citizen)
    page = client.get("/inbox/")
    assert page.status_code == 200 and "Hello 王" not in page.content.decode()  # no such rule
    assert client.post("/inbox/read/", {"notice": "x'; drop"}).status_code == 302
    client.post("/inbox/read/", {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opting_out_is_audited_and_holds(tree, daytime):
    citizen = user_with(Role.APPLICANT, HUAYANG, phone="138 0000 0001")
    client = Client()
    client.force_login(citizen)
    page = client.get("/inbox/preferences/")
    assert page.status_code == 200 and "assistance.received" in page.content.decode()
    assert "assistance.refused" not in page.content.decode()  # not optional: not offered
    client.post("/inbox/preferences/", {"kind": ["assistance.missing"]})
    assert set(OptOut.objects.values_list("phone", "kind")) >= {
        ("13800000001", "assistance.received")
    }
    event = AuditEvent.objects.filter(event_type=EventType.USER_CHANGED).last()
    assert "assistance.received" in event.new["opted_out"]
    _event()
    dispatching.dispatch_all(rules=[_rule(kind="assistance.received")])
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.OPTED_OUT}


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("0431-88886666", ""),  # a landline takes no text
        ("1391234567", ""),
        ("12912345678", ""),
        ("", ""),
    ],
)
def test_phone_numbers(raw, phone):
    assert normalise_phone(raw) == phone


def test_quiet_hours_hold_optional_texts_until_morning(tree, settings):
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    late = dt.datetime(2026, 12, 7, 22, 30, tzinfo=BEIJING)
    early = dt.datetime(2026, 12, 8, 7, 59, tzinfo=BEIJING)
    morning = dt.datetime(2026, 12, 8, 8, 0, tzinfo=BEIJING)
    assert first_moment_allowed(late) == morning
    assert first_moment_allowed(early) == morning
    assert first_moment_allowed(morning) == morning
    assert first_moment_allowed(NOON) == NOON
    with time_machine.travel(late, tick=False):
        _event()
        dispatching.dispatch_all(rules=[_rule(), _rule(kind="test.urgent", urgent=True)])
        gateway = RecordingGateway()
        report = send_due(gateway=gateway)
    assert [p for p, _ in gateway.sent] == ["13800000001"] and report.sent == 1
    assert SmsMessage.objects.get(kind="test.hello").next_attempt_at == morning
    with time_machine.travel(morning, tick=False):
        assert send_due(gateway=gateway).sent == 1


def test_the_gateways_faults_are_retried_with_backoff_and_every_try_kept(tree, stand_in):
    stand_in.script = ["503", "drop", "slow", "ok"]
    with time_machine.travel(NOON, tick=True) as clock:
        _event()
        dispatching.dispatch_all(rules=[_rule()])
        reports = []
        for minutes in (0, 1, 5, 30):
            clock.shift(dt.timedelta(minutes=minutes, seconds=1))
            reports.append(send_due())
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT and message.attempts == 4
    assert message.gateway_id == "gw-1"
    assert [r.sent for r in reports] == [0, 0, 0, 1]
    tries = list(SmsAttempt.objects.filter(message=message))
    assert [t.ok for t in tries] == [False, False, False, True]
    assert tries[0].answer.startswith("HTTP 503") and tries[0].phone == "13800000001"
    assert {seen["id"] for seen in stand_in.seen} == {f"yimen-{message.pk}"}  # one id
    assert {seen["auth"] for seen in stand_in.seen} == {"Bearer k-123"}


def test_a_refused_number_is_not_retried_and_retries_end(tree, stand_in, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    stand_in.script = ["400", "503", "503"]
    with time_machine.travel(NOON, tick=True) as clock:
        _event()
        dispatching.dispatch_all(rules=[_rule(), _rule(kind="test.two", phone="13800000002")])
        send_due()
        clock.shift(dt.timedelta(minutes=2))
        send_due()
        clock.shift(dt.timedelta(minutes=10))
        assert send_due().sent == 0
    assert set(SmsMessage.objects.values_list("phone", "status", "attempts")) == {
        ("13800000001", SmsStatus.FAILED, 1),
        ("13800000002", SmsStatus.FAILED, 2),
    }


def test_a_claimed_message_is_not_sent_twice(tree, daytime):
    from yimen.notify.sending import _claim

    _event()
    dispatching.dispatch_all(rules=[_rule()])
    assert len(_claim(NOON, 10, urgent_only=False)) == 1
    assert _claim(NOON, 10, urgent_only=False) == []  # leased to the first sender
    later = NOON + dt.timedelta(minutes=6)  # the first sender died: the lease ran out
    assert len(_claim(later, 10, urgent_only=False)) == 1


def test_a_notice_reads_in_the_readers_language(tree, daytime):
    citizen = user_with(Role.APPLICANT, HUAYANG)
    params = {"kind": "最低生活保障（低保）", "name": "张建明", "receipt": "123456", "case": "C-1"}
    Notice.objects.create(
        recipient=citizen, event_seq=1, kind="assistance.received", params=params, created_at=NOON
    )
    client = Client()
    client.force_login(citizen)
    chinese = client.get("/inbox/").content.decode()
    assert "申请已受理" in chinese and "受理回执码123456" in chinese
    client.cookies["django_language"] = "en"
    english = client.get("/inbox/").content.decode()
    assert "Application received" in english and "receipt code 123456" in english


def test_a_batch_goes_out_concurrently_each_message_accepted_once(tree, stand_in, settings):
    """Eight calls in flight at once, a fifth of the first tries answered 503: the retries
    go a minute later, and every message is accepted exactly once, every call recorded."""
    settings.SMS_CONCURRENCY = 8
    settings.SMS_TIMEOUT = 10  # a loaded machine's slow answer is not the fault tested
    settings.SMS_BATCH = 64  # several claims in one run
    stand_in.script = ["503"] * 40
    rule = NoticeRule(
        kind="test.many",
        event_type=EventType.USER_CHANGED,
        label="many",
        title="many",
        text="第%(n)s条",
        deliveries=lambda event: [
            Delivery(phone=f"1380000{n:04d}", params={"n": n}) for n in range(200)
        ],
    )
    with time_machine.travel(NOON, tick=True):
        _event()
        dispatching.dispatch_all(rules=[rule])
        first = send_due()
        second = send_due(now=NOON + dt.timedelta(minutes=2))
    assert (first.sent, first.retrying) == (160, 40) and second.sent == 40
    assert set(SmsMessage.objects.values_list("status", flat=True)) == {SmsStatus.SENT}
    accepted = SmsAttempt.objects.filter(ok=True)
    assert accepted.count() == 200 == len(set(accepted.values_list("message_id", flat=True)))
    assert SmsAttempt.objects.count() == len(stand_in.seen) == 240
