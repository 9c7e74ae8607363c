"""The daily dispatch list and the weekly bulletin per county (日调度、周通报), as data for
the page and as Excel and PDF: detections, verified straw fires, response times, overdue
cases, summons. Scoped like every read."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.regions.models import Division
from yimen.spreadsheets import xlsx_append

from . import selectors
from .models import Outcome
from .models.fires import OPEN_STATUSES


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last, time.max)),
    )


def _late(case, at: datetime) -> bool:
    """Not on site by the clock (by ``at`` if still not there)."""
    if case.arrive_due_at is None:
        return False
    arrived = case.arrived_at or (at if case.is_open else None)
    return arrived is not None and arrived > case.arrive_due_at


@dataclass
class Daily:
    county: Division
    day: date
    rows: list[dict]
    detections: int
    opened: int
    late: int
    straw: int
    closed: int


def daily(user, county: Division, day: date) -> Daily:
    """The day's dispatch list: the cases detected that day and those still open from before."""
    start, end = _bounds(day, day)
    now = min(timezone.now(), end)
    code6 = county.code[:6]
    cases = (
        selectors.cases_visible_to(user)
        .filter(county_code=code6)
        .filter(
            Q(first_detected_at__range=(start, end))
            | Q(opened_at__lt=start, status__in=OPEN_STATUSES)
        )
        .select_related("unit", "responsible")
        .order_by("first_detected_at", "number")
    )
    towns = dict(
        Division.objects.filter(code__startswith=code6, level=4).values_list("code", "name")
    )
    rows = []
    for c in cases:
        rows.append(
            {
                "number": c.number,
                "township": towns.get(c.township_code.ljust(12, "0"), ""),
                "unit": c.unit.label,
                "responsible": c.responsible.get_full_name() if c.responsible else "",
                "detected": timezone.localtime(c.first_detected_at).strftime("%m-%d %H:%M"),
                "arrived": timezone.localtime(c.arrived_at).strftime("%m-%d %H:%M")
                if c.arrived_at
                else "",
                "minutes": c.response_minutes(),
                "status": c.get_status_display(),
                "late": _late(c, now),
                "outcome": c.get_outcome_display() if c.outcome else "",
                "carried": c.first_detected_at < start,
            }
        )
    todays = [c for c in cases if c.first_detected_at >= start]
    return Daily(
        county=county,
        day=day,
        rows=rows,
        detections=selectors.detections_visible_to(user).filter(county_code=code6, day=day).count(),
        opened=len(todays),
        late=sum(1 for r in rows if r["late"]),
        straw=sum(1 for c in todays if c.outcome == Outcome.STRAW_FIRE),
        closed=sum(1 for c in cases if c.closed_at and start <= c.closed_at <= end),
    )


@dataclass
class Weekly:
    county: Division
    first: date
    last: date
    rows: list[dict]
    totals: dict = field(default_factory=dict)


def weekly(user, county: Division, last: date) -> Weekly:
    """The week ending ``last``, per township: detections, cases, verified straw fires,
    average response, late arrivals, summons — and the county's totals."""
    first = last - timedelta(days=6)
    start, end = _bounds(first, last)
    now = min(timezone.now(), end)
    code6 = county.code[:6]
    towns = dict(
        Division.objects.filter(code__startswith=code6, level=4).values_list("code", "name")
    )
    by_town: dict[str, dict] = {}

    def row(code: str) -> dict:
        key = code[:9] if code else ""
        if key not in by_town:
            by_town[key] = {
                "township": towns.get(key.ljust(12, "0"), _("County, no grid")),
                "detections": 0,
                "cases": 0,
                "straw": 0,
                "minutes": [],
                "late": 0,
                "summons": 0,
            }
        return by_town[key]

    for division_id in (
        selectors.detections_visible_to(user)
        .filter(county_code=code6, day__range=(first, last))
        .values_list("division_id", flat=True)
    ):
        code = division_id or ""
        row(code if code[6:9] != "000" else "")["detections"] += 1
    for c in selectors.cases_visible_to(user).filter(
        county_code=code6, first_detected_at__range=(start, end)
    ):
        r = row(c.township_code)
        r["cases"] += 1
        r["straw"] += c.outcome == Outcome.STRAW_FIRE
        if c.response_minutes() is not None:
            r["minutes"].append(c.response_minutes())
        r["late"] += _late(c, now)
    for s in selectors.summonses_visible_to(user).filter(
        division__code__startswith=code6, held_on__range=(first, last)
    ):
        row(s.division_id if s.division_id[6:9] != "000" else "")["summons"] += 1
    rows = []
    for key in sorted(by_town, key=lambda k: (k == "", k)):
        r = by_town[key]
        minutes = r.pop("minutes")
        r["average"] = round(sum(minutes) / len(minutes)) if minutes else None
        rows.append(r)
    totals = {
        k: sum(r[k] for r in rows) for k in ("detections", "cases", "straw", "late", "summons")
    }
    return Weekly(county, first, last, rows, totals)


# --- documents -----------------------------------------------------------------------------


def daily_columns() -> list[str]:
    return [
        _("Case number"),
        _("Township"),
        _("Grid"),
        _("Responsible person"),
        _("Detected"),
        _("Arrived"),
        _("Response (min)"),
        _("State"),
        _("Late"),
        _("Outcome"),
    ]


def daily_cells(r: dict) -> list:
    return [
        r["number"],
        r["township"],
        r["unit"],
        r["responsible"],
        r["detected"],
        r["arrived"],
        r["minutes"],
        r["status"],
        _("yes") if r["late"] else "",
        r["outcome"],
    ]


def weekly_columns() -> list[str]:
    return [
        _("Township"),
        _("Fire points"),
        _("Cases"),
        _("Verified straw fires"),
        _("Average response (min)"),
        _("Late arrivals"),
        _("Summons"),
    ]


def weekly_cells(r: dict) -> list:
    return [
        r["township"],
        r["detections"],
        r["cases"],
        r["straw"],
        r.get("average"),
        r["late"],
        r["summons"],
    ]


def title_of(report) -> str:
    if isinstance(report, Daily):
        return _("%(county)s daily dispatch list, %(day)s") % {
            "county": report.county.name,
            "day": report.day.isoformat(),
        }
    return _("%(county)s weekly bulletin, %(first)s to %(last)s") % {
        "county": report.county.name,
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
    }


def summary_of(report) -> str:
    if isinstance(report, Daily):
        return _(
            "%(d)s fire points, %(o)s cases opened, %(s)s verified straw fires, "
            "%(l)s late arrivals, %(c)s closed."
        ) % {
            "d": report.detections,
            "o": report.opened,
            "s": report.straw,
            "l": report.late,
            "c": report.closed,
        }
    t = report.totals
    return _(
        "%(d)s fire points, %(o)s cases, %(s)s verified straw fires, %(l)s late arrivals, "
        "%(m)s summons."
    ) % {"d": t["detections"], "o": t["cases"], "s": t["straw"], "l": t["late"], "m": t["summons"]}


def _table(report) -> tuple[list[str], list[list]]:
    if isinstance(report, Daily):
        return daily_columns(), [daily_cells(r) for r in report.rows]
    rows = [weekly_cells(r) for r in report.rows]
    rows.append(
        [
            _("Total"),
            *[report.totals[k] for k in ("detections", "cases", "straw")],
            None,
            report.totals["late"],
            report.totals["summons"],
        ]
    )
    return weekly_columns(), rows


def workbook(report) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "report"
    xlsx_append(sheet, [title_of(report)])
    xlsx_append(sheet, [summary_of(report)])
    header, rows = _table(report)
    xlsx_append(sheet, header)
    for cells in rows:
        xlsx_append(sheet, cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf(report) -> bytes:
    """The report on A4 (landscape for the daily list), the table in the embedded CJK font."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from yimen.web import pdf as shell

    font = shell.register_font()
    header, rows = _table(report)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    data = [[Paragraph(str(h), cell) for h in header]] + [
        [Paragraph("" if v is None else str(v), cell) for v in r] for r in rows
    ]
    buffer = io.BytesIO()
    size = landscape(A4) if isinstance(report, Daily) else A4
    doc = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
        title=title_of(report),
        creator="Yimen",
        initialFontName=font,
    )
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=18)
    body = ParagraphStyle("b", fontName=font, fontSize=10, leading=14)
    doc.build(
        [
            Paragraph(title_of(report), heading),
            Spacer(1, 6),
            Paragraph(summary_of(report), body),
            Spacer(1, 8),
            table,
        ]
    )
    return buffer.getvalue()
