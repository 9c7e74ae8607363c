"""The county dashboard and the monthly statistics, as pages and as Excel.

Who sees what: any role with STATS_VIEW, over the subtree of its binding — a county
supervisor its county and each of its townships, a city viewer the city and its counties
(and below), a township's staff their own township only. Another area is a 404, so its
existence does not leak. Aggregates only: no name or ID number appears here.

Thin: parse, call one selector, render (house rule 2)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yimen.assistance.choices import AssistanceType
from yimen.complaints import selectors as complaints
from yimen.regions.codes import Level, level_of
from yimen.workflow.states import CaseStatus

from .areas import Period, may_view_stats, parse_month, period_from
from .areas import stats_area as _stats_area
from .dashboard import dashboard
from .errors import AreaNotFound, PeriodInvalid
from .excel import XLSX, dashboard_workbook, statistics_columns, statistics_workbook
from .excel import statistics_values as _statistics_values
from .funds import FundRow
from .statistics import monthly_statistics


def _area(request, code):
    try:
        return _stats_area(request.user, code)
    except AreaNotFound:
        raise Http404 from None


def _period(request) -> Period:
    try:
        return period_from(request.GET.get("from", "")[:7], request.GET.get("to", "")[:7])
    except PeriodInvalid as exc:
        messages.error(request, exc.render())
        return period_from(None, None)


def _chart_data(board, months: list[date]) -> dict:
    """What county_dashboard.js draws: the same numbers as the tables."""
    by_type: dict[str, dict[date, FundRow]] = {}
    for fund in board.funds:
        by_type.setdefault(fund.assistance_type, {})[fund.month] = fund
    children = board.rows[:-1]
    return {
        "months": [f"{m:%Y-%m}" for m in months],
        "funds": [
            {
                "type": str(AssistanceType(kind).label),
                "households": [
                    by_type[kind][m].households if m in by_type[kind] else 0 for m in months
                ],
                "amount": [
                    str(by_type[kind][m].amount) if m in by_type[kind] else "0" for m in months
                ],
            }
            for kind in AssistanceType.values
            if kind in by_type
        ],
        "divisions": [row.name for row in children],
        "statuses": [
            {
                "label": str(status.label),
                "counts": [r.by_status.get(status.value, 0) for r in children],
            }
            for status in CaseStatus
        ],
        "approval_rate": [
            str(r.approval_rate) if r.approval_rate is not None else None for r in children
        ],
        "median_days": [
            str(r.median_days) if r.median_days is not None else None for r in children
        ],
        "labels": {
            "households": _("Households"),
            "amount": _("Amount (yuan)"),
            "approval_rate": _("Approval rate (%)"),
            "median_days": _("Median days from acceptance to decision"),
        },
    }


def _breadcrumbs(user, division) -> list:
    chain, node = [], division.parent
    while node is not None and may_view_stats(user, node.code):
        chain.insert(0, node)
        node = node.parent
    return chain


@login_required
@require_GET
def dashboard_page(request, code=None):
    area = _area(request, code)
    period = _period(request)
    board = dashboard(area.code, period, timezone.now())
    return render(
        request,
        "supervision/dashboard.html",
        {
            "area": area,
            "board": board,
            "period": period,
            "statuses": list(CaseStatus),
            "drill": level_of(area.code) < Level.TOWNSHIP,
            "breadcrumbs": _breadcrumbs(request.user, area),
            "chart": _chart_data(board, period.months),
            "table": [
                {"row": r, "statuses": [r.by_status.get(s.value, 0) for s in CaseStatus]}
                for r in board.rows
            ],
            "funds": [(f, AssistanceType(f.assistance_type).label) for f in board.funds],
            "query": f"from={period.first:%Y-%m}&to={period.last:%Y-%m}",
            "overdue_reports": _overdue_reports(request.user, area.code),
        },
    )


def _overdue_reports(user, code: str) -> int | None:
    """Complaint reports of the area open past their last day (for those who read them)."""
    if not complaints.is_complaint_staff(user):
        return None
    return complaints.overdue_reports(user, timezone.localdate(), under=code).count()


@login_required
@require_GET
def dashboard_excel(request, code):
    area = _area(request, code)
    try:
        period = period_from(request.GET.get("from", "")[:7], request.GET.get("to", "")[:7])
    except PeriodInvalid as exc:
        return HttpResponse(exc.render(), status=400, content_type="text/plain; charset=utf-8")
    board = dashboard(area.code, period, timezone.now())
    response = HttpResponse(dashboard_workbook(board, area.name), content_type=XLSX)
    name = f"dashboard-{area.code}-{period.first:%Y%m}-{period.last:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _month(request) -> date:
    raw = request.GET.get("month", "")[:7]
    if not raw:
        return timezone.localdate().replace(day=1)
    return parse_month(raw, "month")


@login_required
@require_GET
def statistics_page(request, code=None):
    area = _area(request, code)
    try:
        month = _month(request)
    except PeriodInvalid as exc:
        messages.error(request, exc.render())
        month = timezone.localdate().replace(day=1)
    stats = monthly_statistics(area.code, month)
    return render(
        request,
        "supervision/dashboard_statistics.html",
        {
            "area": area,
            "stats": stats,
            "month": month,
            "columns": [title for title, _money in statistics_columns()],
            "rows": [_statistics_values(row) for row in stats.rows],
            "drill": level_of(area.code) < Level.TOWNSHIP,
            "breadcrumbs": _breadcrumbs(request.user, area),
        },
    )


@login_required
@require_GET
def statistics_excel(request, code):
    area = _area(request, code)
    try:
        month = _month(request)
    except PeriodInvalid as exc:
        return HttpResponse(exc.render(), status=400, content_type="text/plain; charset=utf-8")
    stats = monthly_statistics(area.code, month)
    response = HttpResponse(statistics_workbook(stats), content_type=XLSX)
    name = f"statistics-{area.code}-{month:%Y%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
