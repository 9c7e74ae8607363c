"""The daily dispatch list and weekly bulletin per county (page, Excel, PDF), and the
statistics with ECharts and an Excel export."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.spreadsheets import xlsx_append

from . import reports, selectors
from .statistics import figures
from .views_field import parse_day

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def reports_page(request):
    if not selectors.can_see(request.user):
        raise Http404
    counties = list(selectors.counties_of(request.user))
    code = request.GET.get("county", "")
    county = next((c for c in counties if c.code[:6] == code), counties[0] if counties else None)
    day = parse_day(request.GET.get("day", "")) or timezone.localdate()
    kind = "weekly" if request.GET.get("kind") == "weekly" else "daily"
    report = None
    if county is not None:
        report = (
            reports.weekly(request.user, county, day)
            if kind == "weekly"
            else reports.daily(request.user, county, day)
        )
        fmt = request.GET.get("format")
        stem = f"burning-{kind}-{county.code[:6]}-{day:%Y%m%d}"
        if fmt == "xlsx":
            return _download(reports.workbook(report), XLSX, f"{stem}.xlsx")
        if fmt == "pdf":
            return _download(reports.pdf(report), "application/pdf", f"{stem}.pdf")
    return render(
        request,
        "burning/reports.html",
        {
            "counties": counties,
            "county": county,
            "day": day,
            "kind": kind,
            "report": report,
            "title": reports.title_of(report) if report else "",
            "summary": reports.summary_of(report) if report else "",
            "query": request.GET.urlencode(),
        },
    )


@login_required
def statistics(request):
    if not selectors.can_see(request.user):
        raise Http404
    last = parse_day(request.GET.get("to", "")) or timezone.localdate()
    first = parse_day(request.GET.get("from", "")) or last - timedelta(days=29)
    if first > last or (last - first).days > 366:
        first = last - timedelta(days=29)
    data = figures(request.user, first, last)
    if request.GET.get("format") == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        xlsx_append(
            sheet,
            [_("Day"), _("Fire points"), _("Cases"), _("Verified straw fires"), _("Late arrivals")],
        )
        for d in data["days"]:
            xlsx_append(sheet, [d["day"], d["detections"], d["cases"], d["straw"], d["late"]])
        ranking = book.create_sheet("counties")
        xlsx_append(ranking, [_("County"), _("Fire points")])
        for r in data["ranking"]:
            xlsx_append(ranking, [r["county"], r["n"]])
        buffer = io.BytesIO()
        book.save(buffer)
        return _download(buffer.getvalue(), XLSX, f"burning-statistics-{first}-{last}.xlsx")
    chart = {
        "days": [d["day"] for d in data["days"]],
        "series": {
            k: [d[k] for d in data["days"]] for k in ("detections", "cases", "straw", "late")
        },
        "labels": {
            "detections": _("Fire points"),
            "cases": _("Cases"),
            "straw": _("Verified straw fires"),
            "late": _("Late arrivals"),
        },
        "ranking": data["ranking"][:15],
    }
    return render(
        request,
        "burning/statistics.html",
        {"data": data, "chart": chart, "query": request.GET.urlencode()},
    )
