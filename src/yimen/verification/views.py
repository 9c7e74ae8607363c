"""Staff pages of verification: import history, requests, reports, runs with progress.

Everyone here needs ``verification.view`` (township caseworkers and approvers, county
supervisors); requests and reports are limited to the divisions of that binding. Starting
a run needs ``verification.run`` and covers the starter's township; the run is executed
outside the request (runs.run_launch) and its page polls the progress (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.errors import YimenError
from yimen.privacy.access import log_full_record

from .display import report_view
from .models import ImportBatch, VerificationReport, VerificationRequest, VerificationRun
from .runs import run_launch, run_start
from .sources import SOURCES


def _require(user, action: Action) -> None:
    if not bindings_for(user, action):
        raise PermissionDenied


def _page(request, items, size=50):
    return Paginator(items, size).get_page(request.GET.get("page"))


@login_required
def index(request):
    _require(request.user, Action.VERIFICATION_VIEW)
    return render(
        request,
        "verification/index.html",
        {
            "runs": _runs_visible(request.user).select_related("started_by")[:20],
            "can_run": bool(bindings_for(request.user, Action.VERIFICATION_RUN)),
            "pending": VerificationRequest.objects.filter(
                division_q(request.user, Action.VERIFICATION_VIEW, "application__division__code"),
                status="pending",
            ).count(),
        },
    )


@login_required
def imports(request):
    """Every partner import (partner data cover the whole city, so no division scope)."""
    _require(request.user, Action.VERIFICATION_VIEW)
    batches = ImportBatch.objects.select_related("imported_by")
    source = request.GET.get("source", "")
    if source in SOURCES:
        batches = batches.filter(source=source)
    return render(
        request,
        "verification/imports.html",
        {"page": _page(request, batches), "sources": SOURCES.values(), "source": source},
    )


@login_required
def requests(request):
    _require(request.user, Action.VERIFICATION_VIEW)
    rows = (
        VerificationRequest.objects.filter(
            division_q(request.user, Action.VERIFICATION_VIEW, "application__division__code")
        )
        .select_related("application__division", "case", "requested_by", "report")
        .order_by("-requested_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in ("pending", "reported"):
        rows = rows.filter(status=status)
    return render(request, "verification/requests.html", {"page": _page(request, rows)})


@login_required
def report(request, report_id):
    item = get_object_or_404(VerificationReport.objects.select_related("application"), pk=report_id)
    if not can(request.user, Action.VERIFICATION_VIEW, item.application.division_id):
        raise Http404  # outside the reader's divisions it does not exist for them
    log_full_record(
        actor=request.user,
        record_type="assistance.application",
        record_id=item.application_id,
        division_code=item.application.division_id,
        note="核对报告",  # the household's verified incomes and assets
    )
    return render(request, "verification/report.html", report_view(item, full=True))


@login_required
@require_POST
def run_new(request):
    bindings = bindings_for(request.user, Action.VERIFICATION_RUN)
    if not bindings:
        raise PermissionDenied
    try:
        run = run_start(actor=request.user, division_prefix=bindings[0].prefix)
    except YimenError as error:
        messages.error(request, error.render())
        return redirect("verification:index")
    run_launch(run)
    return redirect("verification:run", run.pk)


def _runs_visible(user):
    """Runs over the user's divisions: a run covers ``division_prefix`` (a township's prefix
    for a township's run), so it is seen by bindings whose prefix it starts with; a run over
    everything (empty prefix) only by a binding over everything."""
    return VerificationRun.objects.filter(
        division_q(user, Action.VERIFICATION_VIEW, "division_prefix")
    )


def _run_for(request, run_id) -> VerificationRun:
    _require(request.user, Action.VERIFICATION_VIEW)
    # another township's run is not found (its starter and counts are not theirs to see)
    return get_object_or_404(_runs_visible(request.user).select_related("started_by"), pk=run_id)


@login_required
def run_page(request, run_id):
    return render(request, "verification/run.html", {"run": _run_for(request, run_id)})


@login_required
def run_progress(request, run_id):
    """The progress bar alone; it polls itself while the run is queued or running."""
    return render(request, "verification/_progress.html", {"run": _run_for(request, run_id)})
