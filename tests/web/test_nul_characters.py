"""A NUL character anywhere a view could read it is refused with a 400 before the view
runs: PostgreSQL cannot store or compare text containing one (a search for ``%00`` ended
in a database error, a 500, found by schemathesis)."""

from __future__ import annotations

import json

import pytest

from tests.factories import NANLING, TEST_PASSWORD
from yimen.audit.models import AuditEvent
from yimen.workflow.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, world):
    client.force_login(world.caseworker)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/divisions/?q=%1E%C3%A5v%00m",  # the request schemathesis found
        "/api/divisions/?parent=22%000",
        "/api/cases/?q%00=x",  # in a parameter's name too
    ],
)
def test_an_api_parameter_with_a_nul_is_a_problem_400(logged_in, url):
    response = logged_in.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid.nul_character"
    assert "空字符" in problem["detail_zh"] and "NUL" in problem["detail_en"]


def test_a_page_parameter_or_form_field_with_a_nul_is_a_400_page(logged_in):
    page = logged_in.get(f"/benefits/recalc/?division={NANLING}%00&on=2027-01-01")
    assert page.status_code == 400 and "空字符" in page.content.decode()
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    posted = logged_in.post("/benefits/recalc/", {"division": f"{NANLING}\x00", "digest": "x"})
    assert posted.status_code == 400 and "NUL" in posted.content.decode()
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)


def test_a_json_body_with_an_escaped_nul_is_refused(client, world):
    client.login(username=world.caseworker.username, password=TEST_PASSWORD)
    body = json.dumps({"username": "a\x00b", "password": "x"})
    assert "\\u0000" in body
    response = client.post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "invalid.nul_character"


def test_ordinary_requests_pass(logged_in):
    assert logged_in.get("/api/divisions/?q=南岭").status_code == 200
    assert logged_in.get(f"/benefits/recalc/?division={NANLING}&on=2027-01-01").status_code in {
        200,
        403,
    }
