"""The reporter's identity: the handler who took the report reads it, audited; nobody else
— other handlers, the county, the household, the log, the API, the exports — ever sees it."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.complaints.conftest import REPORTER_NAME, REPORTER_PHONE, lodge
from yimen.audit.models import AuditEvent
from yimen.complaints.errors import NotAllowed, NotTheHandler
from yimen.complaints.services import reports as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
SECRETS = (REPORTER_NAME, REPORTER_PHONE)


def _reported(people, **extra):
    return lodge(reporter=people.citizen, name=REPORTER_NAME, phone=REPORTER_PHONE, **extra)


def _clean(text: str, *also: str) -> bool:
    return not any(secret in text for secret in (*SECRETS, *also))


def test_only_the_handler_reads_the_identity_and_each_reading_is_audited(people):
    report = _reported(people)
    with pytest.raises(NotTheHandler):  # nobody holds it yet
        service.report_identity(actor=people.handler, report=report)
    service.report_take(actor=people.handler, report=report)
    for other, error in (
        (people.handler_b, NotTheHandler),  # same township, not the handler
        (people.supervisor, NotAllowed),  # the county sees everything else
        (people.county_handler, NotAllowed),
        (people.approver, NotAllowed),
    ):
        with pytest.raises(error):
            service.report_identity(actor=other, report=report)
    identity = service.report_identity(actor=people.handler, report=report)
    assert (identity.name, identity.phone, identity.account) == (
        REPORTER_NAME,
        REPORTER_PHONE,
        people.citizen.username,
    )
    service.report_identity(actor=people.handler, report=report)
    readings = AuditEvent.objects.filter(event_type="complaints.identity_viewed")
    assert readings.count() == 2 and {e.actor for e in readings} == {people.handler}
    # no event of the report ever carries the identity
    for event in AuditEvent.objects.filter(subject_type="complaints.report"):
        dumped = json.dumps([event.old, event.new, event.reason], ensure_ascii=False)
        assert _clean(dumped, people.citizen.username)
        assert event.actor_id != people.citizen.pk


def test_pages_show_anonymous_to_everyone_but_the_handler_on_request(people, client):
    report = _reported(people)
    service.report_take(actor=people.handler, report=report)
    url = f"/complaints/reports/{report.pk}/"
    for viewer in (people.supervisor, people.handler_b, people.handler):
        client.force_login(viewer)
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert _clean(html) and "匿名/保密" in html
    client.force_login(people.supervisor)
    listing = client.get("/complaints/").content.decode()
    assert report.number in listing and _clean(listing)
    client.force_login(people.other_handler)  # another township: not even the report
    assert client.get(url).status_code == 404
    # the county cannot ask for the identity; the handler can, and reads it once
    client.force_login(people.supervisor)
    assert client.post(f"{url}reporter/").status_code == 302
    client.force_login(people.handler)
    shown = client.post(f"{url}reporter/")
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert REPORTER_NAME in shown.content.decode() and REPORTER_PHONE in shown.content.decode()
    assert AuditEvent.objects.filter(event_type="complaints.identity_viewed").count() == 1


def test_the_household_the_api_and_the_exports_never_see_it(people, approved, client):
    application = approved()
    application.applicant = people.citizen
    application.save(update_fields=["applicant"])
    head = application.members.get(relationship="head")
    report = lodge(name=REPORTER_NAME, phone=REPORTER_PHONE, address="10.0.0.5")
    service.report_take(actor=people.handler, report=report)
    service.report_open_review(
        actor=people.handler, report=report, id_number=head.id_number, summary="核查车辆"
    )
    report.refresh_from_db()
    case_id = report.review_case_id
    # the review the township works on
    client.force_login(people.caseworker)
    assert _clean(client.get(f"/cases/{case_id}/").content.decode())
    assert _clean(
        client.get(f"/benefits/households/{application.beneficiary.pk}/").content.decode()
    )
    # the API of the case and its timeline, read by the county
    client.force_login(people.supervisor)
    for path in (f"/api/cases/{case_id}/", f"/api/cases/{case_id}/timeline/"):
        response = client.get(path)
        assert response.status_code == 200
        assert _clean(json.dumps(response.json(), ensure_ascii=False))
    # the exports: the case list and the roster
    client.force_login(people.caseworker)
    purpose = {"purpose": "case_handling"}  # exports ask why (yimen.privacy)
    for path, params in (
        ("/cases/", {"export": "xlsx", **purpose}),
        ("/benefits/", {"format": "xlsx", **purpose}),
    ):
        response = client.get(path, params)
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        assert cells and _clean(cells)
    # the household itself: its own pages
    client.force_login(people.citizen)
    for path in ("/assistance/applications/mine/", "/complaints/mine/"):
        response = client.get(path)
        assert response.status_code == 200 and _clean(response.content.decode())
