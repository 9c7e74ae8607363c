"""Payment-roll pages: a township's rolls, the preview of a month, issuing and the files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import bindings_for, bindings_of, can
from yimen.errors import YimenError
from yimen.jobs.models import JobStatus
from yimen.jobs.services import enqueue
from yimen.months import add_months, month_of, parse_month
from yimen.privacy.access import log_export
from yimen.regions.codes import Level, code_at_level, level_of

from .exports import bank_csv, bank_xlsx, roll_pdf
from .models import PaymentRoll
from .services import payments

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _townships(user) -> list[str]:
    """The townships whose rolls ``user`` may read (township staff: their own)."""
    codes = set()
    for binding in bindings_for(user, Action.ROSTER_VIEW):
        if level_of(binding.division_code) >= Level.TOWNSHIP:
            codes.add(code_at_level(binding.division_code, Level.TOWNSHIP))
    return sorted(codes)


@login_required
def rolls_page(request):
    townships = _townships(request.user)
    county_view = any(b.role == Role.COUNTY_SUPERVISOR for b in bindings_of(request.user))
    if not townships and not county_view:
        return render(request, "benefits/none.html", status=403)
    today = timezone.localdate()
    township = request.GET.get("township") or (townships[0] if townships else "")
    month = parse_month(request.GET.get("month", "")) or month_of(today)
    preview = None
    error = None
    if township:
        try:
            preview = payments.roll_preview(request.user, township, month)
        except YimenError as exc:
            error = exc.render()
    issued = PaymentRoll.objects.filter(division_id__in=[township] if township else []).order_by(
        "-month"
    )[:36]
    if county_view and not townships:
        issued = PaymentRoll.objects.none()
    context = {
        "townships": townships,
        "township": township,
        "month": month,
        "months": [add_months(month_of(today), n) for n in range(1, -12, -1)],
        "preview": preview,
        "error": error,
        "issued": issued,
        "already": PaymentRoll.objects.filter(division_id=township, month=month).first(),
        "can_issue": bool(township) and can(request.user, Action.PAYMENT_ISSUE, township),
    }
    return render(request, "benefits/rolls.html", context)


@login_required
@require_POST
def roll_issue(request):
    township = request.POST.get("township", "")
    month = parse_month(request.POST.get("month", ""))
    try:
        if month is None:
            raise payments.RollRefused(_("Choose a month."))
        job = enqueue(  # a background job: at once here, or by the worker (docs/jobs.md)
            "benefits.roll_issue",
            actor=request.user,
            actor_id=request.user.pk,
            township=township,
            month=month.isoformat(),
        )
    except YimenError as exc:
        messages.error(request, exc.render())
        return redirect(f"{reverse('benefits:rolls')}?township={township}")
    if job.status != JobStatus.DONE:
        return redirect("jobs:job", job.pk)  # queued: its page follows it to the roll
    messages.success(request, _("The roll is issued and signed."))
    return redirect("benefits:roll", job.result["id"])


def _roll_for(user, roll_id: int) -> PaymentRoll:
    roll = PaymentRoll.objects.select_related("division", "issued_by").filter(pk=roll_id).first()
    if roll is None or not can(user, Action.ROSTER_VIEW, roll.division_id):
        raise Http404
    return roll


@login_required
def roll_page(request, roll_id: int):
    roll = _roll_for(request.user, roll_id)
    lines = roll.lines.select_related("beneficiary").order_by("reference")
    return render(
        request, "benefits/roll.html", {"roll": roll, "lines": lines[:500], "count": lines.count()}
    )


@login_required
def roll_file(request, roll_id: int, kind: str):
    roll = _roll_for(request.user, roll_id)
    stem = f"roll-{roll.division_id}-{roll.month:%Y%m}"
    if kind == "csv":
        encoding = "gb18030" if request.GET.get("encoding") == "gb18030" else "utf-8-sig"
        body, content_type = bank_csv(roll, encoding), f"text/csv; charset={encoding}"
    elif kind == "xlsx":
        body, content_type = bank_xlsx(roll), XLSX
    elif kind == "pdf":
        body, content_type = roll_pdf(roll), "application/pdf"
    else:
        raise Http404
    log_export(
        actor=request.user,
        record_type="benefits.beneficiary",
        record_ids=roll.lines.values_list("beneficiary_id", flat=True),
        division_code=roll.division_id,
        purpose="payment",
        note=f"{stem}.{kind}",
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response
