"""Staff pages of reports: the list of the user's area (overdue first to the eye), one
report with its actions — take, read the reporter (handler only, audited), open a review
of the household, answer. Every report shows its reporter as "匿名/保密" to everyone; the
handler who took it may ask to read the identity, one audited reading at a time.
Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.errors import YimenError

from . import selectors
from .forms import AnswerForm, OpenReviewForm
from .models import ReportKind, ReportStatus
from .services import reports as service
from .views_common import form_action, in_scope_or_404


def _report(request, pk: int):
    return in_scope_or_404(selectors.access_report, request, pk)


@login_required
@require_GET
def report_list(request):
    if not selectors.is_complaint_staff(request.user):
        raise Http404
    today = timezone.localdate()
    rows = selectors.reports_visible_to(request.user).select_related(
        "division", "routed_to", "handler"
    )
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        rows = rows.filter(status=status)
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        rows = rows.exclude(status=ReportStatus.ANSWERED).filter(due_on__lt=today)
    page = Paginator(rows.order_by("due_on", "pk"), 30).get_page(request.GET.get("page"))
    overdue_count = selectors.overdue_reports(request.user, today).count()
    return render(
        request,
        "complaints/reports.html",
        {
            "page": page,
            "today": today,
            "status": status,
            "statuses": ReportStatus.choices,
            "overdue_only": overdue_only,
            "overdue_count": overdue_count,
            "handles": selectors.handles_in(request.user),
        },
    )


def _detail(request, report, *, identity=None, answer_form=None, review_form=None, status=200):
    today = timezone.localdate()
    mine = report.handler_id == request.user.pk
    can_take = (
        report.status == ReportStatus.RECEIVED
        and report.routed_to_id in selectors.handles_in(request.user)
    )
    working = mine and report.status == ReportStatus.HANDLING
    return render(
        request,
        "complaints/report.html",
        {
            "r": report,
            "overdue": report.is_overdue(today),
            "mine": mine,
            "can_take": can_take,
            "working": working,
            "identity": identity,
            "answer_form": answer_form or AnswerForm(),
            "review_form": (review_form or OpenReviewForm())
            if working and report.kind == ReportKind.HOUSEHOLD and not report.review_case_id
            else None,
        },
        status=status,
    )


@login_required
@require_GET
def report_detail(request, complaint_id: int):
    return _detail(request, _report(request, complaint_id))


@login_required
@require_POST
def report_take(request, complaint_id: int):
    report = _report(request, complaint_id)
    try:
        service.report_take(actor=request.user, report=report)
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("You took the report; answer it by its due day."))
    return redirect("complaints:report", report.pk)


@login_required
@require_POST
def report_identity(request, complaint_id: int):
    """The reporter's identity, on this response only (audited); never kept in the page."""
    report = _report(request, complaint_id)
    try:
        identity = service.report_identity(actor=request.user, report=report)
    except YimenError as exc:
        messages.error(request, exc.render())
        return redirect("complaints:report", report.pk)
    response = _detail(request, report, identity=identity)
    response["Cache-Control"] = "no-store"
    return response


def _act(request, complaint_id: int, form_class, call, message: str, slot: str):
    """A handler's form on the report page: one service call, or the page with the errors."""
    report = _report(request, complaint_id)
    return form_action(
        request,
        form_class(request.POST),
        lambda data: call(actor=request.user, report=report, **data),
        message=message,
        done=lambda: redirect("complaints:report", report.pk),
        again=lambda form, status: _detail(request, report, status=status, **{slot: form}),
    )


@login_required
@require_POST
def report_answer(request, complaint_id: int):
    return _act(
        request,
        complaint_id,
        AnswerForm,
        service.report_answer,
        _("The answer is recorded; the reporter is told."),
        "answer_form",
    )


@login_required
@require_POST
def report_review(request, complaint_id: int):
    return _act(
        request,
        complaint_id,
        OpenReviewForm,
        service.report_open_review,
        _("A review of the household is opened at the township."),
        "review_form",
    )
