"""The site's URLs plus views that fail the way a lost race does, for the 409 tests."""

from django.db import IntegrityError, OperationalError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from yimen import urls as site


class SqlState(Exception):
    """What psycopg attaches as the cause of a Django database error."""

    def __init__(self, sqlstate: str):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def fail(kind: str):
    if kind == "integrity":
        raise IntegrityError('duplicate key value violates unique constraint "x_key"')
    error = OperationalError({"deadlock": "deadlock detected", "gone": "server closed"}[kind])
    error.__cause__ = SqlState({"deadlock": "40P01", "gone": "08006"}[kind])
    raise error


def page(request, kind):
    fail(kind)


class Api(APIView):
    permission_classes = [AllowAny]

    def post(self, request, kind):
        fail(kind)


urlpatterns = [
    path("conflict-test/<str:kind>/", page),
    path("api/conflict-test/<str:kind>/", Api.as_view()),
    *site.urlpatterns,
]
