"""Calling the API as a given user, and reading problem bodies."""

from __future__ import annotations

import json

from django.test import Client
from rest_framework.authtoken.models import Token

PROBLEM = "application/problem+json"


def api_client(user) -> Client:
    """A client that authenticates with the user's API token, as an integration would."""
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


def post_json(client: Client, url: str, body) -> object:
    return client.post(url, json.dumps(body), content_type="application/json")


def problem(response, status: int, code: str | None = None) -> dict:
    """Assert ``response`` is an RFC 9457 problem with ``status`` (and ``code``)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
    assert body["status"] == status
    assert body["type"] == f"urn:yimen:error:{body['code']}"
    assert body["detail_zh"] and body["detail_en"]
    if code is not None:
        assert body["code"] == code, body
    return body
