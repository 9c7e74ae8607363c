"""Property-based API test: every operation of the OpenAPI schema, fed generated input
(valid and invalid) by Schemathesis through the WSGI app, must never answer with a 5xx.

Runs as a demo-like township caseworker of 南岭街道 with a token, over the small world of
tests/web/world.py, so generated ids hit real cases and tasks as well as absent ones.

The schema is loaded when the module is imported (one pytest item per operation).
`schemathesis.pytest.from_fixture` would load it inside a fixture instead, but in
schemathesis 4.32 it fails under pytest 9 (it sets ``request.node._nodeid``, gone in 9.x).
Serving the schema needs no database, so loading it at import is safe.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes "old" database connections at the start and end of each
    request; inside a test that would close the connection holding the test's transaction.
    Detach those hooks for the test, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world) -> str:
    key, _ = Token.objects.get_or_create(user=world.caseworker)
    return f"Token {key.key}"


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_operation_answers_with_a_server_error(case, token):
    case.call_and_validate(headers={"Authorization": token}, checks=[not_a_server_error])
