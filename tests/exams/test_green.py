"""The firm's own green-channel request: sent from the employer's page, approved by the
exam administrator (a green channel with the approver as signer) or refused with a reason;
one open request at a time, one decision per request, scoped to the administrator's area."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.exams.conftest import TODAY
from tests.factories import NANGUAN, user_with
from yimen.accounts.roles import Role
from yimen.audit.models import AuditEvent
from yimen.exams import errors
from yimen.exams.models import GreenChannelRequest
from yimen.exams.services.scheduling import green_channel_decide, green_channel_request

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_firm_asks_and_the_administrator_approves(exam_world):
    firm = as_user(exam_world.employer_user)
    firm.post("/exams/employer/green/", {"employer": exam_world.employer.pk, "reason": " "})
    assert not GreenChannelRequest.objects.exists()  # a reason is needed
    firm.post("/exams/employer/green/", {"employer": exam_world.employer.pk, "reason": "复工复产"})
    request = GreenChannelRequest.objects.get()
    assert request.status == "requested" and request.requested_by == exam_world.employer_user
    again = firm.post(
        "/exams/employer/green/",
        {"employer": exam_world.employer.pk, "reason": "再次"},
        follow=True,
    )
    assert "已有待处理的绿色通道申请" in again.content.decode()
    assert GreenChannelRequest.objects.count() == 1

    admin = as_user(exam_world.admin)
    page = admin.get("/exams/manage/").content.decode()
    assert f'id="green-request-{request.pk}"' in page and "复工复产" in page
    # another area's administrator cannot decide it
    other = as_user(exam_world.yushu_admin)
    assert (
        other.post(
            f"/exams/green/{request.pk}/decide/",
            {"decision": "approve", "valid_until": "2027-03-01"},
        ).status_code
        == 404
    )
    admin.post(f"/exams/green/{request.pk}/decide/", {"decision": "approve", "valid_until": "x"})
    request.refresh_from_db()
    assert request.status == "requested"  # a bad date writes nothing
    admin.post(
        f"/exams/green/{request.pk}/decide/", {"decision": "approve", "valid_until": "2027-03-01"}
    )
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == exam_world.admin
    channel = exam_world.employer.channels.get()
    assert channel.approved_by == exam_world.admin and channel.reason == "复工复产"
    assert AuditEvent.objects.get(event_type="exams.green_channel").signer_id == exam_world.admin.pk
    assert AuditEvent.objects.filter(event_type="exams.green_requested").count() == 1
    # decided once: a second decision (another administrator at the same moment) loses
    with pytest.raises(errors.WrongState):
        green_channel_decide(
            request=request, approve=False, valid_until=None, note="迟到", actor=exam_world.admin
        )
    page = firm.get("/exams/employer/").content.decode()
    assert "批准" in page and "2027-03-01" in page and "approved" not in page


def test_a_refusal_needs_a_reason_and_only_the_firms_contact_may_ask(exam_world):
    request = green_channel_request(
        employer=exam_world.employer, reason="复工", actor=exam_world.employer_user, today=TODAY
    )
    with pytest.raises(errors.ReasonNeeded):
        green_channel_decide(
            request=request, approve=False, valid_until=None, note=" ", actor=exam_world.admin
        )
    green_channel_decide(
        request=request, approve=False, valid_until=None, note="材料不全", actor=exam_world.admin
    )
    request.refresh_from_db()
    assert request.status == "refused" and request.note == "材料不全"
    assert not exam_world.employer.channels.exists()
    stranger = user_with(Role.EXAM_EMPLOYER, NANGUAN, full_name="别家")
    with pytest.raises(errors.NotAllowed):
        green_channel_request(
            employer=exam_world.employer, reason="复工", actor=stranger, today=TODAY
        )
    assert (
        as_user(stranger)
        .post("/exams/employer/green/", {"employer": exam_world.employer.pk, "reason": "复工"})
        .status_code
        == 404
    )
