"""Security headers Django does not set by itself."""

from __future__ import annotations


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
