"""What the reporter, the handlers and the applicant are told, through yimen.notify."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import REPORTER_PHONE, lodge
from yimen.complaints.services import reports as service
from yimen.complaints.services.reexaminations import NewDecision, reexam_decide, reexam_request
from yimen.notify.dispatch import dispatch_all
from yimen.notify.models import Notice, SmsMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def test_reporter_and_handlers_are_told(people):
    report = lodge(reporter=people.citizen, phone=REPORTER_PHONE)
    anonymous = lodge(address="10.0.0.3")
    dispatch_all()
    assert Notice.objects.filter(recipient=people.citizen, kind="complaints.received").count() == 1
    handlers = set(Notice.objects.filter(kind="complaints.new").values_list("recipient", flat=True))
    assert handlers == {people.handler.pk, people.handler_b.pk}  # not the other township's
    sms = SmsMessage.objects.get(kind="complaints.received")
    assert sms.phone == REPORTER_PHONE
    assert report.receipt_code not in sms.body and "王某某" not in sms.body
    service.report_take(actor=people.handler, report=report)
    service.report_answer(actor=people.handler, report=report, finding="founded", answer="已核实")
    service.report_take(actor=people.handler, report=anonymous)
    service.report_answer(
        actor=people.handler, report=anonymous, finding="founded", answer="已核实"
    )
    dispatch_all()
    assert SmsMessage.objects.filter(kind="complaints.answered").count() == 1  # anonymous: none
    assert Notice.objects.filter(recipient=people.citizen, kind="complaints.answered").exists()


def test_the_applicant_hears_of_the_reexamination(people, refused):
    reexam = reexam_request(
        actor=people.citizen, application=refused, kind="refusal", grounds="理由", channel="online"
    )
    reexam_decide(actor=people.approver_b, reexam=reexam, decision=NewDecision("upheld", "维持"))
    dispatch_all()
    kinds = set(Notice.objects.filter(recipient=people.citizen).values_list("kind", flat=True))
    assert {"complaints.reexam_received", "complaints.reexam_decided"} <= kinds
    decided = Notice.objects.get(recipient=people.citizen, kind="complaints.reexam_decided")
    assert decided.params["number"] == reexam.number
    assert SmsMessage.objects.filter(kind="complaints.reexam_decided", phone="13912345678").exists()
