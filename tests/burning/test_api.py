"""The straw-burning API through HTTP, with tokens as a system would call it: manual fire
reports in (idempotent by the sender's reference), cases listed and read within one's area
(404 outside), arrival and the verification with photos as multipart form data — refusals
as problem details that write nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.helpers import api_client, post_json, problem
from tests.burning.conftest import centre, firms, jpeg, utc
from tests.factories import user_with
from yimen.accounts.roles import Role
from yimen.burning.models import CaseStatus, Detection, FireCase
from yimen.burning.services.fires import fires_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


@pytest.fixture
def case(burning_world) -> FireCase:
    lon, lat = centre(burning_world.grid)
    fires_import(
        data=firms([(lon, lat, utc(2026, 12, 7, 1), "n")]),
        filename="f.csv",
        actor=burning_world.county,
        now=utc(2026, 12, 7, 1, 10),  # dispatched 50 minutes before the pinned now: overdue
    )
    return FireCase.objects.get()


def report(burning_world, **extra) -> dict:
    lon, lat = centre(burning_world.grid)
    return {
        "source": "hotline",
        "longitude": lon,
        "latitude": lat,
        "seen_at": "2026-12-07T09:40:00+08:00",
        "place": "东榛柴村北",
        "note": "群众来电",
        **extra,
    }


def test_a_hotline_system_reports_a_fire_and_a_retry_answers_the_first(burning_world):
    api = api_client(burning_world.township)
    first = post_json(api, "/api/burning/reports/", report(burning_world, reference="12345-A"))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["detection"]["source"] == "hotline"
    assert body["detection"]["placement"] == "in_grid"
    assert body["case"]["status"] == CaseStatus.DISPATCHED
    assert body["case"]["responsible_name"] == "包保人乙"
    again = post_json(api, "/api/burning/reports/", report(burning_world, reference="12345-A"))
    assert again.status_code == 200
    assert again.json()["detection"]["id"] == body["detection"]["id"]
    assert Detection.objects.count() == 1 and FireCase.objects.count() == 1
    # without a reference, two reports are two fire points (joined into the one case)
    post_json(api, "/api/burning/reports/", report(burning_world))
    assert Detection.objects.count() == 2 and FireCase.objects.count() == 1


def test_bad_reports_are_problems_that_write_nothing(burning_world):
    api = api_client(burning_world.township)
    for body, code in (
        (report(burning_world, longitude=10), "burning.invalid_input"),
        (report(burning_world, source="satellite"), "burning.invalid_input"),
        (report(burning_world, colour="red"), "burning.invalid_input"),
        ({}, "burning.invalid_input"),
    ):
        problem(post_json(api, "/api/burning/reports/", body), 400, code)
    # a place outside the reporter's area
    far = report(burning_world, longitude=126.5, latitude=45.7)
    problem(post_json(api, "/api/burning/reports/", far), 404, "burning.not_found")
    # a role that does not report
    inspector = api_client(user_with(Role.INSPECTION_MEMBER, "220000000000"))
    problem(post_json(inspector, "/api/burning/reports/", report(burning_world)), 403)
    assert Detection.objects.count() == 0


def test_cases_are_listed_filtered_and_read_within_ones_area(burning_world, case):
    w = burning_world
    listed = api_client(w.county).get("/api/burning/cases/").json()
    assert [c["number"] for c in listed["results"]] == [case.number]
    assert listed["results"][0]["status_label"] == "已派发，待到场"
    api = api_client(w.county)
    assert api.get("/api/burning/cases/?status=closed").json()["count"] == 0
    assert api.get("/api/burning/cases/?overdue=true").json()["count"] == 1
    assert api.get("/api/burning/cases/?township=220122101").json()["count"] == 1
    assert api.get("/api/burning/cases/?detected_from=2026-12-08").json()["count"] == 0
    assert api_client(w.grid_head).get("/api/burning/cases/?mine=true").json()["count"] == 1
    assert api_client(w.township).get("/api/burning/cases/?mine=true").json()["count"] == 0
    detail = api.get(f"/api/burning/cases/{case.pk}/").json()
    assert detail["number"] == case.number and len(detail["detections"]) == 1
    assert detail["detections"][0]["source"] == "viirs"
    problem(api.get("/api/burning/cases/?status=burning"), 400, "invalid.query")
    problem(api.get("/api/burning/cases/?colour=red"), 400, "invalid.query")
    for outsider in (w.other_township, w.yushu):
        other = api_client(outsider)
        assert other.get("/api/burning/cases/").json()["count"] == 0
        problem(other.get(f"/api/burning/cases/{case.pk}/"), 404, "burning.not_found")
    problem(api.get("/api/burning/cases/１/"), 404, "burning.not_found")
    nobody = api_client(user_with(Role.TOWNSHIP_CASEWORKER, "220122101000"))
    assert nobody.get("/api/burning/cases/").json()["count"] == 0


def test_a_field_app_records_arrival_and_the_verification_with_photos(burning_world, case):
    phone = api_client(burning_world.grid_head)
    arrived = phone.post(f"/api/burning/cases/{case.pk}/arrival/")
    assert arrived.status_code == 200 and arrived.json()["status"] == CaseStatus.ON_SITE
    photo = SimpleUploadedFile("site.jpg", jpeg(case.longitude, case.latitude), "image/jpeg")
    far = SimpleUploadedFile("far.jpg", jpeg(126.5, 45.7), "image/jpeg")
    answer = phone.post(
        f"/api/burning/cases/{case.pk}/verification/",
        {
            "outcome": "straw_fire",
            "burnt_area_m2": "650",
            "responsible_party": "村民王某",
            "handling": "当场扑灭，批评教育",
            "photos": [photo, far],
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["outcome"] == "straw_fire" and [p["flagged"] for p in body["photos"]] == [
        False,
        True,
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED and case.photo_flagged
    detail = phone.get(f"/api/burning/cases/{case.pk}/").json()
    assert detail["verifications"][0]["verifier_name"] == "网格长甲"


def test_verification_refusals_are_problems_and_write_nothing(burning_world, case):
    w = burning_world
    phone = api_client(w.grid_head)
    url = f"/api/burning/cases/{case.pk}/verification/"
    problem(phone.post(url, {"outcome": "false", "reason": "误报"}), 400, "burning.invalid_input")
    photo = SimpleUploadedFile("a.jpg", jpeg(case.longitude, case.latitude), "image/jpeg")
    problem(phone.post(url, {"outcome": "false", "photos": [photo]}), 400, "burning.reason_needed")
    text = SimpleUploadedFile("a.txt", b"not a photo", "text/plain")
    problem(
        phone.post(url, {"outcome": "false", "reason": "误报", "photos": [text]}),
        400,
        "burning.bad_photo",
    )
    # the county reads the case but never verifies it; another township does not see it
    photo = SimpleUploadedFile("b.jpg", jpeg(case.longitude, case.latitude), "image/jpeg")
    problem(
        api_client(w.county).post(url, {"outcome": "false", "reason": "x", "photos": [photo]}), 404
    )
    problem(api_client(w.other_township).post(f"/api/burning/cases/{case.pk}/arrival/"), 404)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and not case.verifications.exists()


def test_the_schema_documents_the_burning_operations(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {
        "/api/burning/cases/",
        "/api/burning/cases/{fire_case_id}/",
        "/api/burning/cases/{fire_case_id}/arrival/",
        "/api/burning/cases/{fire_case_id}/verification/",
        "/api/burning/reports/",
    } <= set(paths)
    verify = paths["/api/burning/cases/{fire_case_id}/verification/"]["post"]
    assert "multipart/form-data" in verify["requestBody"]["content"]
    assert {"400", "401", "403", "404", "409"} <= set(verify["responses"])
