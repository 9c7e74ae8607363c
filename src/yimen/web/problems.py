"""API errors as RFC 9457 problem details with stable codes, in Chinese and English."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from yimen.errors import Conflict, Invalid, NotFound, YimenError

PROBLEM_TYPE = "application/problem+json"

_DRF_CODES = {
    exceptions.NotAuthenticated: ("auth.not_authenticated", _("Please log in first.")),
    exceptions.AuthenticationFailed: ("auth.failed", _("The credentials are not valid.")),
    exceptions.PermissionDenied: ("forbidden", _("You may not do this.")),
    exceptions.NotFound: ("not_found", _("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("This method is not allowed here.")),
    exceptions.NotAcceptable: ("not_acceptable", _("This response format is not available.")),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        _("This request body format is not supported."),
    ),
    exceptions.Throttled: ("throttled", _("Too many requests; try again later.")),
    exceptions.ParseError: ("invalid.parse", _("The request body could not be read.")),
    exceptions.ValidationError: ("invalid", _("Some fields are not valid.")),
}


logger = logging.getLogger(__name__)

# SQLSTATEs of a transaction the database stopped because another one was writing the same
# rows: deadlock_detected and serialization_failure. Retrying later may well succeed.
CONCURRENCY_STATES = {"40P01", "40001"}

CONCURRENT_WRITE = _(
    "Someone else saved the same record at the same moment, so this action was stopped and "
    "nothing was saved. Reload the page to see the current state, then try again if needed."
)
DATABASE_CONTENTION = _(
    "This action collided with another one changing the same records at the same moment, "
    "so the database stopped it and nothing was saved. Reload the page and try again."
)


def database_conflict(exc: BaseException) -> Conflict | None:
    """A refusal for a database error caused by a concurrent writer, or None.

    A unique constraint another request satisfied first (``IntegrityError``), a deadlock or
    a serialization failure means two people acted on the same thing at once: the loser is
    told so with a 409, not a 500. Services are meant to lock first and refuse with their
    own code; reaching here is a defect to fix, so it is logged as one. Any other database
    error (the server gone, a syntax error) is not a conflict and stays a 500."""
    if isinstance(exc, IntegrityError):
        code, message = "conflict.concurrent_write", CONCURRENT_WRITE
    elif isinstance(exc, OperationalError) and _is_contention(exc):
        code, message = "conflict.database_contention", DATABASE_CONTENTION
    else:
        return None
    logger.warning("database conflict answered as 409 (%s): %s", code, exc, exc_info=exc)
    return Conflict(message, code=code)


def _is_contention(exc: OperationalError) -> bool:
    state = getattr(exc.__cause__, "sqlstate", None) or getattr(exc, "sqlstate", None)
    if state in CONCURRENCY_STATES:
        return True
    return "deadlock detected" in str(exc).lower()


def problem_response(error: YimenError) -> Response:
    return Response(error.as_problem(), status=error.status, content_type=PROBLEM_TYPE)


def problem_exception_handler(exc, context):
    """Turn every error an API view raises into a problem-details body."""
    if isinstance(exc, YimenError):
        return problem_response(exc)
    conflict = database_conflict(exc)
    if conflict is not None:
        return problem_response(conflict)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let it surface as a 500 and be logged
    code, message = next(
        ((c, m) for cls, (c, m) in _DRF_CODES.items() if isinstance(exc, cls)),
        ("error", _("The request could not be processed.")),
    )
    if isinstance(exc, exceptions.ValidationError):
        error: YimenError = Invalid(message, code=code, fields=_field_errors(exc.detail))
    elif response.status_code == status.HTTP_404_NOT_FOUND:
        error = NotFound(message, code=code)
    else:
        error = YimenError(message, code=code)
    error.status = response.status_code
    body = error.as_problem()
    return Response(
        body,
        status=response.status_code,
        headers=_keep_headers(response),
        content_type=PROBLEM_TYPE,
    )


def _keep_headers(response) -> dict:
    return {k: v for k, v in response.items() if k in {"WWW-Authenticate", "Allow", "Retry-After"}}


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(k): [str(x) for x in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(x) for x in detail]}
    return {"non_field_errors": [str(detail)]}


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """The last route under /api/: an unknown API address answers with a problem body
    rather than the HTML 404 page (mounted in yimen/urls.py after every API route)."""
    body = NotFound(_("Not found."), code="not_found").as_problem()
    return JsonResponse(
        body, status=404, content_type=PROBLEM_TYPE, json_dumps_params={"ensure_ascii": False}
    )
