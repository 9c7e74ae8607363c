"""Data-subject requests: their clocks, who may file them, the signed copy and the
correction's answer, each logged and audited."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import HUAYANG, NANLING, user_with
from yimen.accounts.roles import Role
from yimen.assistance.models import Application
from yimen.assistance.services import intake
from yimen.audit.events import EventType
from yimen.audit.keys import audit_key
from yimen.audit.models import AuditEvent
from yimen.people import InvalidIdNumber, mask_id
from yimen.privacy.bundle import verify_bundle
from yimen.privacy.clocks import CLOCKS, RequestClock, due_on
from yimen.privacy.errors import (
    DetailsRequired,
    NoPersonalRecord,
    NotAllowed,
    RequestClosed,
    WrongRequestKind,
)
from yimen.privacy.models import AccessEntry, AccessKind, RequestStatus
from yimen.privacy.subject_requests import (
    RequestInput,
    bundle_file,
    subject_copy_issue,
    subject_correction_answer,
    subject_request_file,
)

from .conftest import household_input, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def counter_request(people, kind="copy", **extra):
    head = household_input().members[0]
    fields = {"id_number": head.id_number, "person_name": head.name, **extra}
    return subject_request_file(
        actor=people.caseworker,
        data=RequestInput(kind=kind, division_code=NANLING, **fields),
    )


def test_the_clock_is_the_dated_rule_in_force_on_the_day_of_filing(people, settings):
    request = counter_request(people)
    today = timezone.localdate()
    assert request.due_on == today + timedelta(days=30)
    assert "NOT FOUND" in request.clock_source
    settings.PRIVACY_REQUEST_CLOCKS = [
        *CLOCKS,
        RequestClock("copy", today + timedelta(days=1), 15, "a later rule"),
    ]
    assert due_on("copy", today) == (today + timedelta(days=30), CLOCKS[0].source)
    assert due_on("copy", today + timedelta(days=1))[0] == today + timedelta(days=16)
    assert due_on("copy", date(2000, 1, 1))[0] == date(2000, 1, 31)  # before any rule
    assert request.due_on == today + timedelta(days=30)  # a filed request keeps its clock


def test_staff_file_at_the_counter_validated_and_audited(people):
    with pytest.raises(InvalidIdNumber):
        counter_request(people, id_number="220102197003120110")
    with pytest.raises(DetailsRequired):
        counter_request(people, kind="correction", details="")
    with pytest.raises(WrongRequestKind):
        counter_request(people, kind="erase")
    request = counter_request(people, kind="correction", details="住址门牌号有误")
    assert request.on_behalf and request.status == RequestStatus.OPEN
    event = AuditEvent.objects.get(event_type=EventType.SUBJECT_REQUEST_FILED)
    assert event.new["person"].count("*") == 10  # the audit log keeps the number masked
    with pytest.raises(NotAllowed):  # the county supervisor does not take requests
        subject_request_file(
            actor=people.supervisor,
            data=RequestInput(kind="copy", id_number=request.id_number, person_name="张建明"),
        )


def test_a_citizen_files_only_for_their_own_number(people):
    citizen = user_with(Role.APPLICANT, HUAYANG, full_name="张建明")
    with pytest.raises(NoPersonalRecord):
        subject_request_file(actor=citizen, data=RequestInput(kind="copy"))
    application = intake.application_create(actor=people.caseworker, data=household_input())
    Application.objects.filter(pk=application.pk).update(applicant=citizen)
    other = household_input().members[1].id_number  # the spouse's number: not the account's
    with pytest.raises(NoPersonalRecord):
        subject_request_file(actor=citizen, data=RequestInput(kind="copy", id_number=other))
    made = subject_request_file(actor=citizen, data=RequestInput(kind="copy"))
    assert not made.on_behalf and made.id_number == household_input().members[0].id_number
    assert made.division_id == HUAYANG


def test_the_copy_is_a_signed_bundle_of_every_record_and_is_logged(people):
    application = intake.application_create(actor=people.caseworker, data=household_input())
    from yimen.privacy.access import log_full_record

    log_full_record(
        actor=people.caseworker,
        record_type="assistance.application",
        record_id=application.pk,
        division_code=HUAYANG,
    )
    request = counter_request(people)
    done = subject_copy_issue(actor=people.caseworker, request_id=request.pk)
    assert done.status == RequestStatus.FULFILLED and done.decided_by == people.caseworker
    body = bundle_file(done).read_bytes()
    assert verify_bundle(body, audit_key())
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.read("summary.pdf").startswith(b"%PDF")
        book = load_workbook(io.BytesIO(archive.read("records.xlsx")))
        texts = {str(c) for s in book for row in s.iter_rows(values_only=True) for c in row}
        assert "南关区华阳街 12 号 3 单元 201" in texts and "张建明" in texts
        assert people.caseworker.full_name in texts  # who viewed the household
        tampered = io.BytesIO()
        with zipfile.ZipFile(tampered, "w") as copy:
            for name in archive.namelist():
                data = archive.read(name)
                copy.writestr(name, data.replace(b"PDF", b"PDX") if name == "summary.pdf" else data)
    assert not verify_bundle(tampered.getvalue(), audit_key())
    export = AccessEntry.objects.get(kind=AccessKind.EXPORT)
    assert (export.purpose, export.record_type) == ("subject_request", "privacy.subjectrequest")
    assert AuditEvent.objects.filter(event_type=EventType.SUBJECT_COPY_ISSUED).count() == 1
    with pytest.raises(RequestClosed):
        subject_copy_issue(actor=people.caseworker, request_id=request.pk)


def test_a_correction_is_answered_once(people):
    request = counter_request(people, kind="correction", details="住址门牌号有误")
    with pytest.raises(WrongRequestKind):
        subject_copy_issue(actor=people.caseworker, request_id=request.pk)
    answered = subject_correction_answer(
        actor=people.approver, request_id=request.pk, accept=True, answer="已在户籍信息中更正"
    )
    assert answered.status == RequestStatus.CORRECTED
    with pytest.raises(RequestClosed):
        subject_correction_answer(
            actor=people.caseworker, request_id=request.pk, accept=False, answer="记录无误"
        )
    assert AuditEvent.objects.filter(event_type=EventType.SUBJECT_REQUEST_ANSWERED).count() == 1


def test_request_pages(client, people):
    login(client, people.caseworker)
    head = household_input().members[0]
    page = client.get("/privacy/requests/")
    assert page.status_code == 200
    bad = client.post(
        "/privacy/requests/new/",
        {"kind": "copy", "division": NANLING, "person_name": "张建明", "id_number": "123"},
    )
    assert bad.status_code == 400
    made = client.post(
        "/privacy/requests/new/",
        {
            "kind": "copy",
            "division": NANLING,
            "person_name": head.name,
            "id_number": head.id_number,
        },
    )
    assert made.status_code == 302
    detail = client.get(made["Location"])
    assert detail.status_code == 200 and head.id_number not in detail.content.decode()
    issued = client.post(made["Location"] + "copy/")
    assert issued.status_code == 302
    download = client.get(made["Location"] + "copy.zip")
    assert download.status_code == 200
    assert verify_bundle(b"".join(download.streaming_content), audit_key())
    client.logout()
    login(client, people.other_caseworker)
    assert client.get(made["Location"]).status_code == 404
    assert client.get(made["Location"] + "copy.zip").status_code == 404


def test_the_citizen_page(client, people):
    citizen = user_with(Role.APPLICANT, HUAYANG, full_name="张建明")
    application = intake.application_create(actor=people.caseworker, data=household_input())
    Application.objects.filter(pk=application.pk).update(applicant=citizen)
    login(client, citizen)
    number = household_input().members[0].id_number
    page = client.get("/privacy/mine/")
    assert page.status_code == 200 and mask_id(number) in page.content.decode()
    assert client.post("/privacy/mine/", {"kind": "correction", "details": ""}).status_code == 400
    assert client.post("/privacy/mine/", {"kind": "copy", "id_number": number}).status_code == 302
    listed = client.get("/privacy/mine/").content.decode()
    assert listed.count('id="request-') == 1
    client.logout()
    login(client, people.caseworker)
    assert client.get("/privacy/mine/").status_code == 403
