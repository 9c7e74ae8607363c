"""API errors as RFC 9457 problem details with stable codes, in Chinese and English."""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
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


# What every refusal of the API looks like (RFC 9457 problem details). Inline: a field
# named ``errors`` would shadow the ``Serializer.errors`` property on a class.
PROBLEM_SCHEMA = inline_serializer(
    "Problem",
    fields={
        "type": serializers.CharField(help_text="urn:yimen:error:<code>"),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "code": serializers.CharField(help_text="stable error code, e.g. invalid, not_found"),
        "detail": serializers.CharField(help_text="in the language of the request"),
        "detail_zh": serializers.CharField(),
        "detail_en": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="invalid input: the messages per field",
        ),
    },
)


_PROBLEM_DESCRIPTIONS = {
    400: "Invalid input (body, query parameter, NUL character); nothing was written.",
    401: "Not logged in, or the token is not valid.",
    403: "Not allowed for this user (or the account is locked).",
    404: "Absent, or outside the user's area (the two look the same).",
    409: "In the wrong state, or changed by someone else at the same time; nothing was written.",
    415: "The request body is not JSON (or, for a file, multipart form data).",
    429: "Too many requests; try again later.",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class QueryInteger(serializers.IntegerField):
    """A whole number as a query parameter: digits only. DRF's IntegerField also takes
    ``0.0`` and ``1e0`` (it strips a zero fraction), which the schema's ``integer`` does not,
    and which the paginator would then read as a different number."""

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.lstrip("-").isdigit() and data.isascii()):
            self.fail("invalid")
        return super().to_internal_value(data)


def _page_query():
    class PageQuery(serializers.Serializer):
        limit = QueryInteger(min_value=1, required=False)
        offset = QueryInteger(min_value=0, required=False)

    return PageQuery


class QueryChecked:
    """Mixin of every API view: the query parameters are checked before the handler runs.
    A name the operation does not document, a repeated one, or a value that is not valid
    (``query_serializer``; ``limit``/``offset`` when paged) answers a 400 problem, rather
    than being ignored — a client misspelling ``status`` would otherwise get every row.
    The checked values are in ``self.query``."""

    query_serializer: type[serializers.Serializer] | None = None
    query: dict

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authenticate first
        self.query = check_query(request, self.query_serializer, view=self)


def _known_query(view, serializer_class) -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {}
    if getattr(view, "pagination_class", None) is not None:
        fields.update(_page_query()().fields)
    if serializer_class is not None:
        fields.update(serializer_class().fields)
    return fields


def check_query(request, serializer_class, *, view) -> dict:
    """The query parameters checked against the operation's documented ones (see
    ``QueryChecked``); raises a 400 problem (``invalid.query``)."""
    known = _known_query(view, serializer_class)
    allowed = set(known)
    if len(view.renderer_classes) > 1:  # DRF's ?format= chooses among the renderers
        allowed.add(api_settings.URL_FORMAT_OVERRIDE)
    params = request.query_params
    unknown = sorted(name for name in params if name not in allowed)
    if unknown:
        raise Invalid(
            _("Unknown query parameter: %(names)s."),
            code="invalid.query",
            fields={name: [str(_("Not a parameter of this address."))] for name in unknown},
            names=", ".join(unknown),
        )
    repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
    if repeated:
        raise Invalid(
            _("A query parameter is given more than once: %(names)s."),
            code="invalid.query",
            fields={name: [str(_("Give it once."))] for name in repeated},
            names=", ".join(repeated),
        )
    values = {name: params[name] for name in params if name in known}
    checker: serializers.Serializer = serializers.Serializer(data=values)
    checker.fields.update({name: copy.deepcopy(field) for name, field in known.items()})
    if not checker.is_valid():
        raise Invalid(
            _("Some query parameters are not valid."),
            code="invalid.query",
            fields=_field_errors(checker.errors),
        )
    return dict(checker.validated_data)


class StrictSerializer(serializers.Serializer):
    """A request body that refuses fields it does not know (400, field by field) instead of
    ignoring them: a misspelt optional field would otherwise be silently dropped. The
    schema says so too (``additionalProperties: false``)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [_("This field is not known here.")] for name in unknown}
                )
        return super().to_internal_value(data)


class ProblemAutoSchema(AutoSchema):
    """The project's OpenAPI schema: every operation documents the problem responses it
    can give (so none can forget one) and its checked query parameters."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        query = getattr(self.view, "query_serializer", None)
        if query is not None and self.method == "GET":
            parameters.append(query)
        return parameters

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        return schema

    def map_parsers(self):
        # JSON is the documented body; form-encoded bodies are still read for simple forms,
        # but cannot carry the lists and objects the schema describes, so they are not
        # offered (a view that declares its own parsers, like attachments, keeps them)
        if "parser_classes" in vars(type(self.view)):
            return super().map_parsers()
        return ["application/json"]

    def _problem_statuses(self) -> list[int]:
        statuses = [400]
        if self.view.get_authenticators():
            statuses.append(401)
        if self.method in _WRITES:
            statuses.append(403)  # a role that may not act; CSRF; a locked account
        if "{" in self.path or getattr(self.view, "refers_to_rows", False):
            statuses.append(404)
        if self.method in _WRITES:
            statuses.extend([409, 415])
        if self.view.get_throttles():
            statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in self._problem_statuses():
            responses.setdefault(
                str(status_code),
                self._get_response_for_code(
                    OpenApiResponse(PROBLEM_SCHEMA, description=_PROBLEM_DESCRIPTIONS[status_code]),
                    str(status_code),
                    media_types=[PROBLEM_TYPE],
                    direction=direction,
                ),
            )
        return responses


# No NUL anywhere (web.middleware refuses it in every parameter and JSON body; PostgreSQL
# cannot store it), and a required text must hold more than white space (DRF trims it).
NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _string_patterns(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"enum", "format", "pattern"} & set(node):
            node["pattern"] = NOT_BLANK if node.get("minLength", 0) >= 1 else NO_NUL
        for value in node.values():
            _string_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _string_patterns(value)


def document_text_rules(result, generator, request, public):
    """drf-spectacular postprocessing hook: every free text of a request (body fields and
    parameters) says in its pattern what the API refuses, so a schema-valid request is
    never refused for a NUL character or a blank required field."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _string_patterns(component)
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                _string_patterns(parameter.get("schema"))
    return result
