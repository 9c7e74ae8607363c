"""What every subsidy page shares: refusals as messages, the staff check, paging and the
scheme the user may see."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404

from yimen.errors import YimenError

from . import selectors


def refused(request, exc: YimenError) -> None:
    messages.error(request, exc.render())
    for field, errors in getattr(exc, "fields", {}).items():
        for text in errors:
            messages.error(request, f"{field}: {text}")


def require_staff(request) -> None:
    if not selectors.is_staff(request.user):
        raise Http404


def page_of(request, items, size: int = 30):
    return Paginator(items, size).get_page(request.GET.get("page"))


def visible_scheme(request, pk=None):
    schemes = selectors.schemes_visible_to(request.user)
    scheme = schemes.filter(pk=pk).first() if pk else schemes.first()
    if scheme is None:
        raise Http404
    return scheme
