"""The hospital interface served in front of Django's middleware and URL resolver.

Why: the interface is machine-to-machine and hot (issue 8: 200 settlements a second on two
cores). Its callers send no cookies and read no pages, so sessions, locale, CSRF, messages,
authentication by user and the page security headers do nothing for it but cost time on
every call. ``fsi_first`` answers ``POST …/callService[/<infno>]`` itself, with what Django
does for any request that still matters here: the request_started / request_finished
signals (database connections closed when too old or broken), the allowed-host check and
the body size limit (``WSGIRequest``); authentication is the interface's own pluggable
scheme (fsi/auth.py). Every other path goes to Django unchanged. Never an HTTP 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import Any

import orjson
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder

from .envelope import answer

log = logging.getLogger(__name__)

PATH = "/fsi/api/rsfComIfsService/callService"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def infno_of(path: str) -> tuple[bool, str | None]:
    """(is this the interface's path, the infno in it if any) — as fsi_urls.py routes."""
    if path == PATH:
        return True, None
    rest = path[len(PATH) + 1 :]
    if path.startswith(PATH + "/") and rest and "/" not in rest and rest.isascii():
        return True, rest
    return False, None


def fsi_first(django_app: WsgiApp) -> WsgiApp:
    """The WSGI application: the interface answered here, everything else by Django."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]):
        ours, infno = infno_of(environ.get("PATH_INFO", ""))
        if not ours:
            return django_app(environ, start_response)
        signals.request_started.send(sender=fsi_first, environ=environ)
        try:
            status, body = _serve(environ, infno)
        finally:
            signals.request_finished.send(sender=fsi_first)
        data = dumps(body)
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(data))),
                ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"),
            ],
        )
        return [data]

    return application


_DJANGO = DjangoJSONEncoder()


def dumps(body: Any) -> bytes:
    """The answer as UTF-8 JSON: orjson (several times faster than json), with Django's
    encoder for what orjson does not know (Decimal, lazy strings)."""
    return orjson.dumps(body, default=_DJANGO.default)


class EnvironHeaders(Mapping[str, str]):
    """The request's headers looked up in the WSGI environ by name (``_api_name`` →
    HTTP__API_NAME, ``x-tif-nonce`` → HTTP_X_TIF_NONCE): the gateway authentication reads a
    handful, so the whole ``request.headers`` dictionary is not built on every call."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ

    def __getitem__(self, name: str) -> str:
        return self.environ["HTTP_" + name.upper().replace("-", "_")]

    def __iter__(self) -> Iterator[str]:
        return (k[5:] for k in self.environ if k.startswith("HTTP_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _serve(environ: dict[str, Any], infno: str | None) -> tuple[int, dict[str, Any]]:
    from .view import UNREADABLE, read_body, serve

    try:
        request = WSGIRequest(environ)
        request.get_host()  # DisallowedHost unless ALLOWED_HOSTS names it
    except Exception:
        log.warning("fsi request refused", exc_info=True)
        return 400, answer(False, err_msg="请求主机名不被允许或请求无效")
    raw = read_body(request)
    if raw is None:
        return 400, answer(False, err_msg=UNREADABLE)
    return serve(request.method or "", EnvironHeaders(environ), raw, infno)
