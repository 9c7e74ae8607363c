"""The API through HTTP: tokens, the problem-JSON catch-all, the schema and its docs. The
case and task API is tested in tests/workflow/test_api.py."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.api.helpers import api_client, post_json, problem
from tests.web.world import PASSWORD
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.workflow.states import TaskStatus

pytestmark = pytest.mark.django_db


# --- tokens --------------------------------------------------------------------------------


def test_token_login_then_token_header(world):
    anonymous = Client()
    response = post_json(
        anonymous, "/api/auth/token/", {"username": world.caseworker.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=world.caseworker).key == key

    api = Client(headers={"Authorization": f"Token {key}"})
    me = api.get("/api/me/").json()
    assert me["username"] == world.caseworker.username
    assert me["full_name"] == "张丽"
    assert me["bindings"] == [
        {
            "role": "township_caseworker",
            "role_label": me["bindings"][0]["role_label"],
            "division_code": "220102001000",
        }
    ]
    assert me["bindings"][0]["role_label"]
    # the same token again, not a new one per login
    again = post_json(
        anonymous, "/api/auth/token/", {"username": world.caseworker.username, "password": PASSWORD}
    )
    assert again.json()["token"] == key
    assert EventType.LOGIN in AuditEvent.objects.values_list("event_type", flat=True)


def test_token_login_refuses_wrong_passwords_and_locks(world):
    anonymous = Client()
    body = {"username": world.caseworker.username, "password": "wrong"}
    problem(post_json(anonymous, "/api/auth/token/", body), 400, "accounts.login_refused")
    for _ in range(settings.YIMEN_LOCKOUT["per_account"] - 1):
        post_json(anonymous, "/api/auth/token/", body)
    right = {"username": world.caseworker.username, "password": PASSWORD}
    problem(post_json(anonymous, "/api/auth/token/", right), 403, "accounts.locked")
    assert not Token.objects.filter(user=world.caseworker).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "x"},
        {"username": ["x"], "password": 1},
        {"username": "x" * 151, "password": "y"},
        [],
        "null",
    ],
)
def test_token_login_with_bad_bodies_is_a_400(world, body):
    problem(post_json(Client(), "/api/auth/token/", body), 400)


def test_no_or_bad_credentials(world):
    anonymous = Client().get("/api/cases/")
    body = problem(anonymous, 401, "auth.not_authenticated")
    assert body["detail_en"] == "Please log in first."
    assert anonymous.headers["WWW-Authenticate"] == "Token"  # token auth leads
    bad = Client(headers={"Authorization": "Token nope"}).get("/api/cases/")
    problem(bad, 401, "auth.failed")
    malformed = Client(headers={"Authorization": "Token a b c"}).get("/api/me/")
    problem(malformed, 401, "auth.failed")


def test_session_authenticated_writes_need_the_csrf_token(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.caseworker)
    task = world.task(world.case)
    problem(
        post_json(strict, f"/api/tasks/{task.pk}/complete/", {"outcome": "accepted"}),
        403,
        "forbidden",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert strict.get("/api/cases/").status_code == 200  # reads need no token


# --- the catch-all ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nope/", "/api/cases/1", "/api/cases/1/nope/", "/api/"])
def test_unknown_api_addresses_answer_with_a_problem(world, path):
    api = api_client(world.caseworker)
    problem(api.get(path), 404, "not_found")
    problem(Client(enforce_csrf_checks=True).post(path, {}), 404, "not_found")


def test_the_catch_all_does_not_hide_the_other_api_prefixes(client, world):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    assert api_client(world.caseworker).get("/api/divisions/").status_code == 200


# --- schema and docs ---------------------------------------------------------------------------


def test_schema_and_docs_are_served_without_any_other_host(client, world):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/cases/",
        "/api/cases/{case_id}/",
        "/api/tasks/{task_id}/complete/",
        "/api/cases/batch-decision/",
        "/api/auth/token/",
    ]:
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger" in html.lower()
    assert "https://" not in html and "//cdn" not in html
