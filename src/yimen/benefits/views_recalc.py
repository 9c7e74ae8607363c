"""The recalculation page: a division's roster re-evaluated at a date, confirmed once."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.errors import YimenError
from yimen.jobs.models import JobStatus
from yimen.jobs.services import enqueue
from yimen.privacy.access import log_export
from yimen.regions.models import Division
from yimen.spreadsheets import csv_writer

from .services import recalc

SHOWN = 1000


def _first_division(user) -> str:
    bindings = bindings_for(user, Action.ROSTER_VIEW)
    return bindings[0].division_code if bindings else ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def recalc_page(request):
    if not bindings_for(request.user, Action.ROSTER_VIEW):
        return render(request, "benefits/none.html", status=403)
    source = request.POST if request.method == "POST" else request.GET
    division = source.get("division", "")[:12] or _first_division(request.user)
    on = _day(source.get("on", "")) or timezone.localdate()
    status = 200
    if request.method == "POST":
        try:
            job = enqueue(  # a background job: at once here, or by the worker (docs/jobs.md)
                "benefits.recalc_confirm",
                actor=request.user,
                actor_id=request.user.pk,
                division=division,
                on=on.isoformat(),
                digest=request.POST.get("digest", "")[:64],
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            status = exc.status
        else:
            if job.status != JobStatus.DONE:
                return redirect("jobs:job", job.pk)
            applied = job.result
            messages.success(
                request,
                _("%(n)d amounts re-set from %(month)s; %(r)d reviews opened.")
                % {
                    "n": applied["adjusted"],
                    "month": applied["effective"][:7],
                    "r": applied["reviews_opened"],
                },
            )
            return redirect(f"{request.path}?division={division}&on={on:%Y-%m-%d}")
    result = error = None
    try:
        result = recalc.recalc_preview(request.user, division, on)
    except YimenError as exc:
        error = exc.render()
    if result is not None and request.GET.get("format") == "csv":
        try:
            log_export(
                actor=request.user,
                record_type="benefits.beneficiary",
                record_ids=[c.beneficiary_id for c in result.changes],
                division_code=result.division.code,
                purpose=request.GET.get("purpose", ""),
                note=f"重算变化清单 {result.on:%Y-%m-%d}",  # words on the access log, not codes
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            return redirect(f"{request.path}?division={division}&on={on:%Y-%m-%d}")
        return _csv(result)
    changes = result.changes_list(SHOWN) if result else []
    context = {
        "division": division,
        "on": on,
        "result": result,
        "changes": changes,
        # the villages' names for the table, in one query (labels, not codes)
        "division_names": dict(
            Division.objects.filter(pk__in={c.division_id for c in changes}).values_list(
                "code", "name"
            )
        ),
        "error": error,
        "can_confirm": bool(result and result.count)
        and can(request.user, Action.CASE_DECIDE, division),
    }
    return render(request, "benefits/recalc.html", context, status=status)


def _csv(result: recalc.Recalculation) -> HttpResponse:
    """The whole list of changes as CSV (UTF-8 with BOM, so Excel opens it in Chinese)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # a head's name cannot become a formula
    writer.writerow(
        [
            _("Household"),
            _("Head of household"),
            _("Division"),
            _("Now"),
            _("Amount now"),
            _("Under the rules"),
            _("Amount under the rules"),
            _("Rules not met"),
        ]
    )
    for c in result.changes:
        writer.writerow(
            [
                c.beneficiary_id,
                c.head_name,
                c.division_id,
                c.old_type,
                c.old_amount,
                c.new_type,
                c.new_amount,
                "；".join(c.reasons()),
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"recalc-{result.division.code}-{result.on:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
