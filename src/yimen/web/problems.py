"""API errors as RFC 9457 problem details with stable codes, in Chinese and English."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from yimen.errors import Invalid, NotFound, YimenError

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


def problem_response(error: YimenError) -> Response:
    return Response(error.as_problem(), status=error.status, content_type=PROBLEM_TYPE)


def problem_exception_handler(exc, context):
    """Turn every error an API view raises into a problem-details body."""
    if isinstance(exc, YimenError):
        return problem_response(exc)
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
