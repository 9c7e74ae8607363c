"""Security headers Django does not set by itself, and requests no field can take."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid

from .problems import PROBLEM_TYPE, database_conflict

NUL = "\x00"
JSON_NUL = b"\\u0000"  # JSON can carry a NUL only escaped
NUL_REFUSED = _(
    "The request contains a NUL character (0x00), which no field accepts; nothing was done."
)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy (everything from our own host) and a
    Permissions-Policy; pages never load anything from another host."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault(
            "Cache-Control", "no-store" if request.user.is_authenticated else "private, max-age=0"
        )
        return response


TOO_LARGE = _("The request is larger than %(mb)s MB, the most Yimen accepts; nothing was done.")


class RefuseLargeBodyMiddleware:
    """A request whose body is larger than ``settings.YIMEN_MAX_REQUEST_BYTES`` is refused
    with a 413 from its declared length, before anything reads it: Django writes a file
    upload to disk whole before a view can look at its size, so a 10 GB "attachment" would
    otherwise fill the disk first. (Bodies read as data, not files, are capped by Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE; the hospital interface answers in its own protocol.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        cap = settings.YIMEN_MAX_REQUEST_BYTES
        if length > cap and not request.path.startswith("/fsi/"):
            error = Invalid(TOO_LARGE, code="invalid.too_large", mb=f"{cap / 2**20:.0f}")
            error.status = 413
            return _refusal(request, error)
        return self.get_response(request)


def _refusal(request, error: Invalid) -> HttpResponse:
    """The refusal as problem details on the API, else a page in both languages."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error.as_problem(), status=error.status, content_type="application/problem+json"
        )
    text = f"{escape(error.render('zh-hans'))}<br>{escape(error.render('en'))}"
    return HttpResponse(
        f"<!doctype html><meta charset=utf-8><title>{error.status}</title><p>{text}</p>",
        status=error.status,
        content_type="text/html; charset=utf-8",
    )


class RefuseNulMiddleware:
    """A NUL character in a parameter or a form field is refused with a 400 before any
    view runs: PostgreSQL cannot store or even compare text containing one, so a search
    box given ``%00`` would otherwise end in a database error (a 500). Forms and
    serializers refuse it for their own fields already; this covers every parameter a view
    reads by hand. JSON bodies are checked for the escaped form. The hospital interface
    (``/fsi/``) answers every refusal in its own protocol (``infcode -1``), so it checks its
    envelope itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/fsi/") and self._has_nul(request):
            return self._refusal(request)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists()):
            return True
        content_type = request.content_type or ""
        if request.method in {"POST", "PUT", "PATCH"}:
            if content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
                fields = request.POST.lists()
                return any(NUL in key or any(NUL in v for v in values) for key, values in fields)
            if content_type.endswith("json"):
                return JSON_NUL in request.body
        return False

    @staticmethod
    def _refusal(request) -> HttpResponse:
        error = Invalid(NUL_REFUSED, code="invalid.nul_character")
        if request.path.startswith("/api/"):
            return JsonResponse(
                error.as_problem(), status=400, content_type="application/problem+json"
            )
        text = f"{escape(error.render('zh-hans'))}<br>{escape(error.render('en'))}"
        return HttpResponse(
            f"<!doctype html><meta charset=utf-8><title>400</title><p>{text}</p>",
            status=400,
            content_type="text/html; charset=utf-8",
        )


class DatabaseConflictMiddleware:
    """A unique-constraint violation, deadlock or serialization failure that escapes a view
    answers 409 — problem details under ``/api/``, a page in Chinese and English elsewhere —
    rather than a 500 (see ``problems.database_conflict``). The API's DRF views get the same
    answer from ``problem_exception_handler``; this covers plain Django views and pages.
    The hospital interface (``/fsi/``) is left to its own protocol, as for NUL characters."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/fsi/"):
            return None  # the hospital interface answers in its own protocol (infcode)
        error = database_conflict(exception)
        if error is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                error.as_problem(),
                status=error.status,
                content_type=PROBLEM_TYPE,
                json_dumps_params={"ensure_ascii": False},
            )
        page = render_to_string(
            "409.html",
            {"zh": error.render("zh-hans"), "en": error.render("en"), "code": error.code},
            request=request,
        )
        return HttpResponse(page, status=error.status, content_type="text/html; charset=utf-8")
