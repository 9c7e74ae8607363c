"""Public pages, no login needed: lodge a report (投诉举报) and follow it by its receipt code.

A signed-in citizen uses the same pages; the report then also keeps the account (seen by
the handler only). No captcha: the service limits reports and failed look-ups per address.
Thin: parse, call one service, render. Every response carries ``X-Robots-Tag: noindex``."""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yimen.accounts.addresses import client_address
from yimen.errors import YimenError
from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.regions.selectors import search

from .errors import TooManyReports
from .forms import FollowForm, ReportForm, put_errors
from .services.reports import ReportInput, report_follow, report_submit

SESSION_RECEIPT = "yimen.complaints.receipt"
SEARCH_LIMIT = 30


def noindex(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


@noindex
@require_http_methods(["GET"])
def report_start(request):
    """Find the village, community or township concerned."""
    query = request.GET.get("q", "").strip()[:50]
    places = []
    if query:
        places = list(
            search(query)
            .filter(level__gte=Level.TOWNSHIP)
            .select_related("parent")
            .order_by("code")[:SEARCH_LIMIT]
        )
    return render(request, "complaints/public/start.html", {"q": query, "places": places})


def _place(request) -> Division:
    code = (request.GET.get("division") or request.POST.get("division") or "").strip()[:12]
    place = (
        Division.objects.filter(pk=code, level__gte=Level.TOWNSHIP).select_related("parent").first()
        if code.isdigit()
        else None
    )
    if place is None:
        raise Http404
    return place


@noindex
@require_http_methods(["GET", "POST"])
def report_form(request):
    place = _place(request)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = ReportInput(division_code=place.code, **form.cleaned_data)
            try:
                report = report_submit(
                    data=data, reporter=request.user, address=client_address(request)
                )
            except YimenError as exc:
                put_errors(form, exc)
                status = 429 if isinstance(exc, TooManyReports) else exc.status
            else:
                request.session[SESSION_RECEIPT] = report.receipt_code
                return redirect("complaints:report_done")
        else:
            status = 400
    return render(
        request, "complaints/public/form.html", {"form": form, "place": place}, status=status
    )


@noindex
@require_http_methods(["GET"])
def report_done(request):
    code = request.session.get(SESSION_RECEIPT)
    if not code:
        return redirect("complaints:report_start")
    return render(request, "complaints/public/done.html", {"code": code})


@noindex
@require_http_methods(["GET", "POST"])
def follow(request):
    """The reporter's follow-up by receipt code: progress and answer, nothing else."""
    form = FollowForm(request.POST or None)
    found = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                found = report_follow(
                    receipt_code=form.cleaned_data["receipt_code"],
                    address=client_address(request),
                )
            except YimenError as exc:
                put_errors(form, exc)
                status = exc.status
        else:
            status = 400
    return render(
        request, "complaints/public/follow.html", {"form": form, "found": found}, status=status
    )
