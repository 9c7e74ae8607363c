"""Pages after the decision: the disclosure (staff and public, with objections), payment
batches and their bank files, the programme's progress with its Excel download, and the
bureau's answer to a county review request (the county's own pages are in supervision).
Thin, as every page."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.errors import YimenError
from yimen.people import mask_name
from yimen.privacy.access import log_export
from yimen.regions.models import Division
from yimen.spreadsheets import xlsx_append

from . import selectors
from .errors import NotInScope
from .forms import CommentForm, FigureForm, ObjectionForm
from .models import Application, Metric, Programme, ReviewRequest, Status
from .services import county_requests, review
from .services import payments as pay
from .services.progress import figure_set, figures
from .views_common import refused, require_staff, visible_scheme

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def disclosure(request):
    """Approved applications waiting for the disclosure, those disclosed, the objections."""
    require_staff(request)
    scheme = visible_scheme(request, request.GET.get("scheme") or request.POST.get("scheme"))
    may_publish = can(request.user, Action.SUBSIDY_REVIEW, scheme.division_id)
    if request.method == "POST":
        try:
            n = review.disclosure_publish(scheme=scheme, actor=request.user)
            messages.success(request, _("%(n)s applications disclosed.") % {"n": n})
        except YimenError as exc:
            refused(request, exc)
        return redirect(f"{request.path}?scheme={scheme.pk}")
    visible = selectors.applications_visible_to(request.user).filter(scheme=scheme)
    return render(
        request,
        "subsidy/disclosure.html",
        {
            "scheme": scheme,
            "approved": visible.filter(status=Status.APPROVED),
            "disclosed": visible.filter(status=Status.DISCLOSED).order_by("disclosure_ends"),
            "objected": visible.filter(objections__isnull=False).distinct(),
            "may_publish": may_publish,
            "now": timezone.now(),
        },
    )


def public_name(application: Application) -> str:
    """Households are shown masked; firms and cooperatives by their full names."""
    unit = application.unit
    return mask_name(unit.name) if unit.is_household else unit.name


def public(request):
    """The public disclosure (公示), no login: units, villages and amounts, and the form to
    object while the period runs."""
    now = timezone.now()
    shown = (
        Application.objects.filter(status=Status.DISCLOSED, disclosure_ends__gte=now)
        .select_related("unit", "division", "scheme")
        .order_by("scheme", "division", "number")
    )
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        target = shown.filter(number=request.POST.get("number", "")[:40]).first()
        if target is None:
            raise Http404
        if form.is_valid():
            try:
                review.objection_lodge(application=target, now=now, **form.cleaned_data)
                messages.success(
                    request, _("Your objection was received; the bureau reviews the case again.")
                )
                return redirect("subsidy:public")
            except YimenError as exc:
                refused(request, exc)
    rows = [
        {
            "number": a.number,
            "name": public_name(a),
            "village": a.division.name,
            "scheme": a.scheme.name,
            "amount": a.approved_amount,
            "ends": a.disclosure_ends,
        }
        for a in shown[:2000]
    ]
    return render(request, "subsidy/public.html", {"rows": rows, "form": form})


@login_required
def payments(request):
    """The batch to be issued (a preview) and the batches issued, with reconciliation."""
    require_staff(request)
    if not selectors.schemes_visible_to(request.user).exists():
        return render(request, "subsidy/payments.html", {"scheme": None})
    scheme = visible_scheme(request, request.GET.get("scheme") or request.POST.get("scheme"))
    if request.method == "POST":
        try:
            batch = pay.batch_issue(scheme=scheme, actor=request.user)
            messages.success(request, _("Batch %(n)s issued.") % {"n": batch.number})
            return redirect("subsidy:batch", batch.pk)
        except YimenError as exc:
            refused(request, exc)
        return redirect(f"{request.path}?scheme={scheme.pk}")
    try:
        preview = pay.batch_preview(scheme=scheme, actor=request.user)
    except YimenError:
        raise Http404 from None
    return render(
        request,
        "subsidy/payments.html",
        {
            "scheme": scheme,
            "preview": preview,
            "batches": selectors.batches_visible_to(request.user).filter(scheme=scheme),
            "may_issue": can(request.user, Action.SUBSIDY_PAY, scheme.division_id),
            "problems": pay.reconcile(scheme),
        },
    )


@login_required
def batch(request, subsidy_batch_id: int):
    try:
        item = selectors.access_batch(request.user, subsidy_batch_id)
    except NotInScope:
        raise Http404 from None
    return render(
        request,
        "subsidy/batch.html",
        {
            "batch": item,
            "lines": pay.paid_lines(item),
            "ledger": item.ledger.all(),
            "returned": item.lines.filter(returned__isnull=False).count(),
        },
    )


@login_required
def batch_file(request, subsidy_batch_id: int, kind: str):
    try:
        item = selectors.access_batch(request.user, subsidy_batch_id)
    except NotInScope:
        raise Http404 from None
    name = f"subsidy-{item.scheme.code}-{item.number:03d}"
    if kind not in ("csv", "xlsx"):
        raise Http404
    log_export(
        actor=request.user,
        record_type="subsidy.unit",
        record_ids=item.lines.values_list("application__unit_id", flat=True),
        division_code=item.scheme.division_id,
        purpose="payment",  # a bank file is made to pay, as the assistance rolls' files
        note=f"{name}.{kind}",
    )
    if kind == "csv":
        response = HttpResponse(pay.bank_csv(item), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    elif kind == "xlsx":
        response = HttpResponse(pay.bank_xlsx(item), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        raise Http404
    return response


STAGES = ["surveyed", "vetted", "applied", "inspected", "approved", "paid"]


def _stage_labels():
    return {
        "surveyed": _("Surveyed"),
        "vetted": _("Vetted"),
        "applied": _("Applied"),
        "inspected": _("Inspected"),
        "approved": _("Approved"),
        "paid": _("Paid"),
    }


@login_required
def progress(request):
    """The programme's progress per county and in total, with targets; Excel on request."""
    if not bindings_for(request.user, Action.SUBSIDY_STATS):
        raise Http404
    programme = Programme.objects.order_by("code").first()
    form = FigureForm(request.POST or None, metrics=Metric.choices)
    may_enter = bool(bindings_for(request.user, Action.SUBSIDY_REVIEW)) and programme is not None
    if request.method == "POST" and may_enter and form.is_valid():
        division = Division.objects.get(
            code=bindings_for(request.user, Action.SUBSIDY_REVIEW)[0].division_code
        )
        try:
            figure_set(
                programme=programme,
                division=division,
                year=form.cleaned_data["year"],
                metric=form.cleaned_data["metric"],
                value=form.cleaned_data["value"],
                actor=request.user,
            )
            messages.success(request, _("Figure saved."))
            return redirect("subsidy:progress")
        except YimenError as exc:
            refused(request, exc)
    data = figures(request.user)
    labels = _stage_labels()
    if request.GET.get("format") == "xlsx":
        return _progress_xlsx(data, labels)
    chart = {
        "stages": [labels[k] for k in STAGES],
        "series": [{"name": c["name"], "data": [c[k] for k in STAGES]} for c in data["counties"]],
    }
    return render(
        request,
        "subsidy/progress.html",
        {"data": data, "chart": chart, "form": form if may_enter else None, "labels": labels},
    )


def _progress_xlsx(data, labels) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "progress"
    head = [_("County"), *[labels[k] for k in STAGES]]
    head += [
        _("Approved (yuan)"),
        _("Paid (yuan)"),
        _("Pit volume (m³)"),
        _("Feed (t)"),
        _("Feed (m³)"),
        _("Machines"),
    ]
    xlsx_append(sheet, head)
    for row in [*data["counties"], {**data["totals"], "name": _("Total")}]:
        xlsx_append(
            sheet,
            [
                row["name"],
                *[row[k] for k in STAGES],
                float(row["approved_amount"]),
                float(row["paid_amount"]),
                float(row["pit_m3"]),
                float(row["feed_t"]),
                float(row["feed_m3"]),
                row["machines"],
            ],
        )
    targets = book.create_sheet("targets")
    xlsx_append(targets, [_("Programme"), _("Figure"), _("Target"), _("Entered"), _("Share (%)")])
    for t in data["targets"]:
        xlsx_append(
            targets,
            [
                t["programme"],
                str(t["metric"]),
                float(t["target"]),
                float(t["entered"]),
                float(t["share"]),
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="subsidy-progress.xlsx"'
    return response


def county(request):
    """The county's old address: supervision has its own pages now (bookmarks still work)."""
    return redirect("supervision:subsidy_cases", permanent=True)


@login_required
@require_POST
def review_answer(request, subsidy_request_id: int):
    item = ReviewRequest.objects.filter(pk=subsidy_request_id).select_related("application").first()
    if item is None:
        raise Http404
    try:
        selectors.access_application(request.user, item.application_id)
    except NotInScope:
        raise Http404 from None
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            county_requests.review_request_answer(
                request=item, actor=request.user, answer=form.cleaned_data["text"]
            )
            messages.success(request, _("Answer recorded."))
        except YimenError as exc:
            refused(request, exc)
    return redirect("subsidy:application", item.application_id)
