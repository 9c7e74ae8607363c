"""Shell helpers for the pages of every app (the pages themselves live in their apps)."""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from yimen.errors import NotFound


def not_found_is_404(view):
    """Scoping refusals and missing rows both become the same 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.render()) from exc

    return wrapper
