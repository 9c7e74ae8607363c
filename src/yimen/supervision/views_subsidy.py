"""County supervision pages of the straw-to-meat subsidy: the county's applications
read-only (list with filters, one application with its items, inspection, decision,
payment and history) and the request that the bureau review one. There is no decision
here, by design. Thin: parse, call one service or selector, render (house rule 2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.errors import YimenError
from yimen.people import mask_id
from yimen.subsidy.errors import NotInScope
from yimen.subsidy.models import Status
from yimen.subsidy.services.county_requests import review_request_raise

from .services import subsidy as supervision

PAGE_SIZE = 50
TEXT_LIMIT = 5000


def _supervisor(request) -> None:
    if not supervision.may_supervise_subsidy(request.user):
        raise PermissionDenied


@login_required
@require_GET
def subsidy_cases(request):
    _supervisor(request)
    filters = {
        "township": request.GET.get("township", "")[:12],
        "scheme": request.GET.get("scheme", "")[:12],
        "status": request.GET.get("status", "")[:20],
        "requested": request.GET.get("requested") == "1",
        "query": request.GET.get("q", "").strip()[:50],
    }
    applications = supervision.supervised_subsidy_applications(request.user, **filters)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/subsidy_list.html",
        {
            "page": page,
            **filters,
            "townships": supervision.subsidy_townships(request.user),
            "schemes": supervision.subsidy_schemes(request.user),
            "statuses": [(s, label) for s, label in Status.choices if s != Status.DRAFT],
        },
    )


def _application(request, application_id):
    try:
        return supervision.access_supervised_subsidy(request.user, application_id)
    except NotInScope:
        raise Http404 from None


@login_required
@require_GET
def subsidy_case(request, application_id):
    _supervisor(request)
    application = _application(request, application_id)
    unit = application.unit
    return render(
        request,
        "supervision/subsidy_detail.html",
        {
            "app": application,
            # the county reads its own area's units by name; the ID number stays masked
            "identity": mask_id(unit.identity) if unit.is_household else unit.identity,
            "items": application.items.order_by("pk"),
            "photos": application.photos.select_related("item").order_by("pk"),
            "objections": application.objections.order_by("lodged_at"),
            "payment": getattr(application, "payment", None),
            "requests": application.review_requests.select_related(
                "raised_by", "answered_by"
            ).order_by("raised_at", "pk"),
            "history": supervision.subsidy_history(application),
        },
    )


@login_required
@require_POST
def subsidy_request(request, application_id):
    _supervisor(request)
    application = _application(request, application_id)
    try:
        review_request_raise(
            application=application,
            actor=request.user,
            comment=request.POST.get("comment", "")[:TEXT_LIMIT],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The bureau was asked to review the application."))
    return redirect("supervision:subsidy_case", application_id=application.pk)
