"""The public door, no login: find the place, lodge a report, keep the receipt code, and
follow the report anonymously by that code (rate-limited, never a name of anyone)."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import REPORTER_NAME, REPORTER_PHONE
from tests.factories import HUAYANG, NANLING
from yimen.complaints.models import Report
from yimen.complaints.services import reports as service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
FORM = {
    "kind": "household",
    "subject_name": "王某某",
    "text": "该户有营运车辆仍领取低保",
    "reporter_name": REPORTER_NAME,
    "reporter_phone": REPORTER_PHONE,
}


def _lodge(client, **changes):
    return client.post(
        f"/complaints/report/form/?division={HUAYANG}", {**FORM, "division": HUAYANG, **changes}
    )


def test_find_the_place_then_lodge_anonymously_and_follow(people, client):
    found = client.get("/complaints/report/", {"q": "华阳"})
    assert found.status_code == 200 and f"division={HUAYANG}" in found.content.decode()
    assert found["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(f"/complaints/report/form/?division={HUAYANG}").status_code == 200
    done = _lodge(client, reporter_name="", reporter_phone="")
    assert done.status_code == 302
    receipt = client.get(done["Location"])
    report = Report.objects.get()
    assert report.reporter is None and report.reporter_name == "" and report.routed_to_id == NANLING
    assert report.receipt_code in receipt.content.decode()
    # follow it from another browser, with nothing but the code (spaces and case forgiven)
    other = client.__class__()
    spaced = " ".join([report.receipt_code[:4], report.receipt_code[4:8], report.receipt_code[8:]])
    page = other.post("/complaints/follow/", {"receipt_code": spaced.lower()})
    html = page.content.decode()
    assert page.status_code == 200 and report.number in html and "南岭街道" in html
    # answered: the reporter reads the answer by the code
    service.report_take(actor=people.handler, report=report)
    service.report_answer(actor=people.handler, report=report, finding="founded", answer="已停发")
    html = other.post("/complaints/follow/", {"receipt_code": report.receipt_code}).content.decode()
    assert "已停发" in html and people.handler.full_name not in html


def test_a_signed_in_citizen_keeps_the_account_on_the_report(people, client):
    client.force_login(people.citizen)
    assert _lodge(client).status_code == 302
    report = Report.objects.get()
    assert report.reporter == people.citizen and report.reporter_phone == REPORTER_PHONE
    mine = client.get("/complaints/mine/").content.decode()
    assert report.receipt_code in mine


def test_bad_input_and_unknown_places_write_nothing(people, client):
    assert client.get("/complaints/report/form/?division=999999999999").status_code == 404
    assert client.get("/complaints/report/form/?division=abc").status_code == 404
    bad = _lodge(client, text="", reporter_phone="0431-1234")
    assert bad.status_code == 400 and not Report.objects.exists()


def test_wrong_codes_are_refused_then_limited(people, client):
    for _ in range(service.LIMITS["follow_failures_per_hour"]):
        assert (
            client.post("/complaints/follow/", {"receipt_code": "ABCDEFGHJKMN"}).status_code == 404
        )
    assert client.post("/complaints/follow/", {"receipt_code": "ABCDEFGHJKMN"}).status_code == 429


def test_lodging_is_limited_per_address(people, client):
    for _ in range(service.LIMITS["reports_per_hour"]):
        assert _lodge(client).status_code == 302
    assert _lodge(client).status_code == 429
    assert Report.objects.count() == service.LIMITS["reports_per_hour"]
