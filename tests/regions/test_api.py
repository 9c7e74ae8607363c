"""The read-only division API through HTTP, as a logged-in user and as nobody."""

import pytest
from django.urls import include, path

from tests.factories import HUAYANG, NANGUAN, NANLING, user_with
from yimen.accounts.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.regions.urls")]


@pytest.fixture
def client_in(client, tree):
    client.force_login(user_with(Role.TOWNSHIP_CASEWORKER, NANLING))
    return client


def test_anonymous_users_get_a_problem_not_data(client, tree):
    response = client.get("/api/divisions/")
    assert response.status_code in {401, 403}
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "auth.not_authenticated"


def test_the_list_without_filters_starts_at_the_provinces(client_in):
    body = client_in.get("/api/divisions/").json()
    assert body["count"] == 2
    assert [d["name"] for d in body["results"]] == ["吉林省", "海南省"]


def test_search_by_name(client_in):
    body = client_in.get("/api/divisions/", {"q": "社区"}).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first == {
        "code": HUAYANG,
        "short_code": HUAYANG,
        "name": "华阳社区",
        "level": 5,
        "level_label": first["level_label"],
        "parent": NANLING,
        "full_name": "",
    }


def test_list_children_of_a_parent_paginated(client_in):
    body = client_in.get("/api/divisions/", {"parent": "220102", "limit": 1}).json()
    assert body["count"] == 2
    assert [d["name"] for d in body["results"]] == ["南岭街道"]
    assert body["next"]


def test_search_within_the_children_of_a_parent(client_in):
    body = client_in.get("/api/divisions/", {"parent": "2201", "q": "南关"}).json()
    assert [d["code"] for d in body["results"]] == [NANGUAN]


def test_an_unknown_parent_is_a_404_problem(client_in):
    response = client_in.get("/api/divisions/", {"parent": "220199"})
    assert response.status_code == 404
    assert response.json()["code"] == "regions.not_found"


def test_one_division_with_its_ancestors(client_in):
    response = client_in.get("/api/divisions/220102001/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == NANLING and body["name"] == "南岭街道"
    assert [a["name"] for a in body["ancestors"]] == ["吉林省", "长春市", "南关区"]


@pytest.mark.parametrize("code", ["220199", "not-a-code", "2201020010011"])
def test_an_unknown_division_is_a_404_problem(client_in, code):
    response = client_in.get(f"/api/divisions/{code}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "regions.not_found"
    assert body["detail_zh"] and body["detail_en"]


def test_children_of_a_division(client_in):
    response = client_in.get("/api/divisions/2201/children/")
    assert response.status_code == 200
    assert [d["short_code"] for d in response.json()["results"]] == [
        "220102",
        "220103",
        "220182",
    ]
    assert client_in.get("/api/divisions/220199/children/").status_code == 404


def test_the_api_is_read_only(client_in):
    assert client_in.post("/api/divisions/", {"code": "230000", "name": "x"}).status_code == 405
    assert client_in.delete(f"/api/divisions/{NANGUAN}/").status_code == 405


def test_the_openapi_schema_is_valid_and_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(
        patterns=[path("api/divisions/", include("yimen.regions.api_urls"))]
    )
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS
    paths = schema["paths"]
    assert set(paths) == {
        "/api/divisions/",
        "/api/divisions/{code}/",
        "/api/divisions/{code}/children/",
    }
    list_parameters = {p["name"] for p in paths["/api/divisions/"]["get"]["parameters"]}
    assert {"q", "parent", "limit", "offset"} <= list_parameters
