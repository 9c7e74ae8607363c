"""County supervision of straw burning, read-only like the assistance cases: the county's
fire cases with filters (township, state, overdue, days), a case with its clock, fire
points, escalations, verifications and history, and the county's re-check samples of
closed cases. Nothing here changes a case: the township signs, the county office keeps the
tree (the burning app's pages). Thin: parse, call one selector, render."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yimen.burning.models import CaseStatus
from yimen.burning.selectors import case_record
from yimen.web.views import not_found_is_404

from . import selectors_burning as burning

PAGE_SIZE = 50


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text else None
    except ValueError:
        return None


def _supervisor(request) -> None:
    if not burning.may_oversee(request.user):
        raise PermissionDenied


@login_required
@require_GET
def burning_cases(request):
    _supervisor(request)
    now = timezone.now()
    filters = {
        "township": request.GET.get("township", "")[:12],
        "status": request.GET.get("status", "")[:20],
        "overdue": request.GET.get("overdue") == "1",
        "day_from": _day(request.GET.get("from", "")),
        "day_to": _day(request.GET.get("to", "")),
    }
    cases = burning.fire_cases(request.user, now=now, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"case": c, "overdue": c.arrival_overdue(now) or c.verification_overdue(now)} for c in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supervision/burning_cases.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": query.urlencode(),
            "townships": burning.townships(request.user),
            "statuses": CaseStatus.choices,
            "counts": burning.counts(request.user, now),
        },
    )


@login_required
@require_GET
@not_found_is_404
def burning_case(request, fire_case_id: int):
    _supervisor(request)
    case = burning.fire_case(request.user, fire_case_id)
    now = timezone.now()
    return render(
        request,
        "supervision/burning_case.html",
        {
            "case": case,
            "now": now,
            "overdue": case.arrival_overdue(now) or case.verification_overdue(now),
            **case_record(case),
            "history": burning.history(case),
        },
    )


@login_required
@require_GET
def burning_rechecks(request):
    _supervisor(request)
    return render(
        request,
        "supervision/burning_rechecks.html",
        {"draws": burning.recheck_draws(request.user)[:100]},
    )


@login_required
@require_GET
@not_found_is_404
def burning_recheck(request, recheck_draw_id: int):
    _supervisor(request)
    draw = burning.recheck_draw(request.user, recheck_draw_id)
    return render(
        request,
        "supervision/burning_recheck.html",
        {
            "draw": draw,
            "items": draw.items.select_related("case__unit", "checked_by").order_by(
                "stratum", "rank"
            ),
        },
    )
