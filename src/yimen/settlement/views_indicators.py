"""Indicators page (charts drawn by static/settlement/indicators.js from a JSON island, as
the CSP allows no inline script) and its Excel export."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.regions.codes import InvalidCode, normalize_code
from yimen.spreadsheets import xlsx_append

from .forms import PeriodForm
from .indicators import Flow, Indicators, indicators
from .models import Institution
from .rules.money import fen_to_yuan


def _period(request) -> tuple[PeriodForm, Indicators | None]:
    bindings = bindings_for(request.user, Action.STATS_VIEW)
    if not bindings:
        raise PermissionDenied
    today = timezone.localdate()
    initial = {"start": date(today.year, 1, 1), "end": today, "division": bindings[0].division_code}
    form = PeriodForm(request.GET or initial)
    if not form.is_valid():
        return form, None
    try:
        code = normalize_code(form.cleaned_data["division"])
    except InvalidCode:
        form.add_error("division", _("Not a division code."))
        return form, None
    if not can(request.user, Action.STATS_VIEW, code):
        form.add_error("division", _("This division is outside your area."))
        return form, None
    return form, indicators(code, form.cleaned_data["start"], form.cleaned_data["end"])


def _rows(flow: Flow) -> list[tuple[str, object]]:
    y = fen_to_yuan
    return [
        (_("Person-times settled"), flow.count),
        (_("Total medical cost (yuan)"), y(flow.medfee_fen)),
        (_("Fund payment (yuan)"), y(flow.fund_fen)),
        (_("Cross-province person-times"), flow.cross_count),
        (_("Cross-province medical cost (yuan)"), y(flow.cross_medfee_fen)),
        (_("Cross-province fund payment (yuan)"), y(flow.cross_fund_fen)),
        (_("Emergency person-times"), flow.emergency_count),
        (_("Emergency medical cost (yuan)"), y(flow.emergency_medfee_fen)),
        (_("Emergency fund payment (yuan)"), y(flow.emergency_fund_fen)),
        (_("In-province emergency person-times"), flow.in_province_emergency_count),
        (_("In-province emergency fund payment (yuan)"), y(flow.in_province_emergency_fund_fen)),
    ]


def _context(result: Indicators) -> dict:
    return {
        "result": result,
        "general": [
            (
                _("Designated institutions settling cross-province"),
                result.institutions_cross_province,
            ),
            (_("Insured persons with a filing"), result.persons_filed),
            (_("… of which filed for outside the province"), result.persons_filed_out_of_province),
        ],
        "flows": list(zip(_rows(result.outbound), _rows(result.inbound), strict=True)),
        "chart": {
            "days": [d["day"] for d in result.daily],
            "outbound": [d["out"] for d in result.daily],
            "inbound": [d["in"] for d in result.daily],
            "labels": {
                "outbound": _("Insured here, treated elsewhere"),
                "inbound": _("Treated here, insured elsewhere"),
                "title": _("Person-times settled per day"),
                "money": _("Medical cost and fund payment (yuan)"),
                "medfee": _("Medical cost"),
                "fund": _("Fund payment"),
            },
            "money": {
                "outbound": [
                    float(fen_to_yuan(result.outbound.medfee_fen)),
                    float(fen_to_yuan(result.outbound.fund_fen)),
                ],
                "inbound": [
                    float(fen_to_yuan(result.inbound.medfee_fen)),
                    float(fen_to_yuan(result.inbound.fund_fen)),
                ],
            },
        },
    }


@login_required
def page(request):
    form, result = _period(request)
    context = {"form": form, **(_context(result) if result else {})}
    return render(request, "settlement/indicators.html", context, status=200 if result else 400)


@login_required
def export(request):
    _form, result = _period(request)
    if result is None:
        return HttpResponse(_("Invalid period or division."), status=400)
    book = Workbook()
    sheet = book.active
    sheet.title = "indicators"
    xlsx_append(sheet, [_("Division"), result.division_code, _("From"), result.start.isoformat(),
                  _("To"), result.end.isoformat()])  # fmt: skip
    for label, value in _context(result)["general"]:
        xlsx_append(sheet, [label, value])
    xlsx_append(sheet, [])
    xlsx_append(
        sheet, ["", _("Insured here, treated elsewhere"), _("Treated here, insured elsewhere")]
    )
    for (label, out), (_label, inn) in _context(result)["flows"]:
        xlsx_append(sheet, [label, out, inn])
    daily = book.create_sheet("daily")
    xlsx_append(daily, [_("Day"), _("Insured here, treated elsewhere"),
                  _("Treated here, insured elsewhere")])  # fmt: skip
    for row in result.daily:
        xlsx_append(daily, [row["day"], row["out"], row["in"]])
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"settlement-indicators-{result.division_code[:6]}-{result.start}-{result.end}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def institutions(request):
    if not (
        bindings_for(request.user, Action.STATS_VIEW)
        or bindings_for(request.user, Action.MEDINS_HANDLE)
    ):
        raise PermissionDenied
    rows = Institution.objects.select_related("division").order_by("division_id", "code")
    return render(request, "settlement/institutions.html", {"institutions": rows})
