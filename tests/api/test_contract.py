"""The API's contract: every operation documents the problem responses it can give, and
every API view checks its query parameters (so no operation can forget either)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from yimen.web.problems import PROBLEM_TYPE, QueryChecked

from .helpers import api_client, post_json, problem

pytestmark = pytest.mark.django_db


def _api_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/"):
            view = getattr(entry.callback, "cls", None)
            if view is not None and issubclass(view, APIView) and view.__module__[:6] == "yimen.":
                yield route, view


def test_every_api_view_checks_its_query_parameters():
    views = list(_api_views())
    assert len(views) >= 30
    unchecked = [route for route, view in views if not issubclass(view, QueryChecked)]
    assert unchecked == []


def test_every_operation_documents_its_problem_responses(client):
    schema = client.get("/api/schema/?format=json").json()
    operations = [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 34
    problem = schema["components"]["schemas"]["Problem"]
    for method, path, operation in operations:
        responses = operation["responses"]
        expected = {"400", "401"} if path != "/api/auth/token/" else {"400"}
        if method == "POST":
            expected |= {"403", "409"}
        if "{" in path:
            expected.add("404")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            content = responses[status]["content"]
            assert list(content) == [PROBLEM_TYPE], (method, path, status)
            ref = content[PROBLEM_TYPE]["schema"]["$ref"]
            if ref != "#/components/schemas/Problem":
                # an extension of the problem (a file refused with its rows): every field of
                # Problem, required as there, and more
                extended = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert set(problem["properties"]) <= set(extended["properties"]), ref
                assert set(problem["required"]) <= set(extended["required"]), ref
    assert {"type", "status", "code", "detail_zh", "detail_en"} <= set(problem["required"])


def test_the_query_parameters_are_documented_as_they_are_checked(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/cases/"]["get"]["parameters"]}
    assert parameters["limit"]["schema"]["minimum"] == 1
    assert parameters["offset"]["schema"]["minimum"] == 0
    assert "active" in parameters["status"]["schema"]["enum"]
    households = schema["paths"]["/api/benefits/households/"]["get"]["parameters"]
    assert {p["name"] for p in households} == {"q", "status", "kind", "limit", "offset"}


def test_an_unknown_query_parameter_is_refused_everywhere(world):
    api = api_client(world.caseworker)
    for path in ["/api/me/", "/api/divisions/", "/api/benefits/households/", "/api/tasks/"]:
        response = api.get(f"{path}?nonsense=1")
        assert response.status_code == 400, path
        assert response.json()["errors"] == {"nonsense": ["此地址没有这个参数。"]}


def test_an_unknown_body_field_is_refused_and_nothing_written(world):
    from yimen.audit.models import AuditEvent

    api = api_client(world.caseworker)
    events = AuditEvent.objects.count()
    response = post_json(
        api, f"/api/cases/{world.case.pk}/withdraw/", {"reason": "撤回", "reasn": "typo"}
    )
    body = problem(response, 400, "invalid")
    assert body["errors"] == {"reasn": ["此处没有这个字段。"]}
    assert AuditEvent.objects.count() == events
    world.case.refresh_from_db()
    assert world.case.status == "active"


def test_request_bodies_are_documented_closed(client):
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert components["WithdrawRequestRequest"]["additionalProperties"] is False
    assert components["MemberInRequest"]["additionalProperties"] is False
    reason = components["WithdrawRequestRequest"]["properties"]["reason"]
    assert reason["pattern"] == "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
