"""Programme progress: per county (a scheme's area) and for the province, how many units
were surveyed, applied, inspected, approved and paid (counts and money), the pit volume,
feed tonnes and machines approved, and the bureau's yearly figures against the
programme's targets. A handful of grouped queries, whatever the number of applications,
one function each so that the benchmark can time every one; the page, its chart and the
Excel download read the same figures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.audit.events import EventType
from yimen.regions.models import Division

from ..errors import BadInspection
from ..models import (
    Application,
    Metric,
    Programme,
    ProgressFigure,
    Status,
    Survey,
)
from .common import audit, require

ZERO = Decimal("0")
APPLIED = [
    Status.SUBMITTED,
    Status.INSPECTED,
    Status.APPROVED,
    Status.REFUSED,
    Status.DISCLOSED,
    Status.PAID,
]
INSPECTED = [Status.INSPECTED, Status.APPROVED, Status.REFUSED, Status.DISCLOSED, Status.PAID]
APPROVED = [Status.APPROVED, Status.DISCLOSED, Status.PAID]


def blank_row() -> dict:
    """One county's figures before counting (the totals row starts the same)."""
    return {
        "surveyed": 0,
        "vetted": 0,
        "applied": 0,
        "inspected": 0,
        "approved": 0,
        "paid": 0,
        "approved_amount": ZERO,
        "paid_amount": ZERO,
        "pit_m3": ZERO,
        "feed_t": ZERO,
        "feed_m3": ZERO,
        "machines": 0,
    }


def stats_prefixes(user) -> list[str]:
    return sorted({b.prefix for b in bindings_for(user, Action.SUBSIDY_STATS)})


def _county(code: str) -> str:
    return code[:6]


def _in_area(prefixes: list[str], field: str) -> Q:
    """Rows whose ``field`` (a 12-digit code column) lies under one of ``prefixes``, as
    closed ranges of codes: a plain b-tree index answers them on both databases (a LIKE
    prefix needs a pattern-ops index on PostgreSQL under a non-C collation)."""
    q = Q(pk__in=[])
    for p in prefixes:
        pad = 12 - len(p)
        q |= Q(**{f"{field}__gte": p + "0" * pad, f"{field}__lte": p + "9" * pad})
    return q


# --- the dashboard's queries, one function each (bench/subsidy_dashboard.py times them) ---


def _county_of(field: str) -> Substr:
    """The county of a row, from its own division code (a unit is in its scheme's county:
    ``survey._division_in``), so no query joins the scheme to group by it."""
    return Substr(field, 1, 6)


def survey_counts(prefixes: list[str]) -> list[tuple[str, str, int]]:
    """(county, survey status, entries) of the units surveyed in the area."""
    return list(
        Survey.objects.filter(_in_area(prefixes, "unit__division_id"))
        .annotate(county=_county_of("unit__division_id"))
        .values_list("county", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )


def application_counts(prefixes: list[str]) -> list[tuple]:
    """(county, status, applications, approved money, pit m³, feed t, feed m³, machines) in
    the area: what each signed approval covers is on the application
    (``review.approved_quantities``), so no query scans the items."""
    return list(
        Application.objects.filter(_in_area(prefixes, "division_id"))
        .annotate(county=_county_of("division_id"))
        .values_list("county", "status")
        .annotate(
            n=Count("pk"),
            money=Sum("approved_amount"),
            pit=Sum("approved_pit_m3"),
            feed_t=Sum("approved_feed_t"),
            feed_m3=Sum("approved_feed_m3"),
            machines=Sum("approved_machines"),
        )
        .order_by()
    )


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def figures(user) -> dict:
    """The dashboard's figures for the user's area: one row per county, and the totals."""
    prefixes = stats_prefixes(user)
    rows: dict[str, dict] = defaultdict(blank_row)
    if not prefixes:
        return {"counties": [], "totals": blank_row(), "targets": []}
    for code, status, n in survey_counts(prefixes):
        rows[_county(code)]["surveyed"] += n
        if status == "vetted":
            rows[_county(code)]["vetted"] += n
    for code, status, n, money, pit, feed_t, feed_m3, machines in application_counts(prefixes):
        row = rows[_county(code)]
        if status in APPLIED:
            row["applied"] += n
        if status in INSPECTED:
            row["inspected"] += n
        if status in APPROVED:
            row["approved"] += n
            row["approved_amount"] += _money(money)
            row["pit_m3"] += _money(pit)
            row["feed_t"] += _money(feed_t)
            row["feed_m3"] += _money(feed_m3)
            row["machines"] += machines or 0
        if status == Status.PAID:
            row["paid"] += n
            row["paid_amount"] += _money(money)
    names = dict(
        Division.objects.filter(code__in=[c.ljust(12, "0") for c in rows]).values_list(
            "code", "name"
        )
    )
    counties = []
    total = blank_row()
    for code in sorted(rows):
        row = dict(rows[code])
        row["code"] = code.ljust(12, "0")
        row["name"] = names.get(row["code"], row["code"])
        counties.append(row)
        for k, v in rows[code].items():
            total[k] += v
    return {"counties": counties, "totals": total, "targets": targets(prefixes)}


def targets(prefixes: list[str]) -> list[dict]:
    """Each programme target with the sum of the yearly figures entered in the area."""
    entered: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for programme, metric, value in (
        ProgressFigure.objects.filter(_in_area(prefixes, "division_id"))
        .values_list("programme_id", "metric")
        .annotate(v=Sum("value"))
        .order_by()
    ):
        entered[(programme, metric)] += Decimal(str(value or 0))
    out = []
    for programme in Programme.objects.prefetch_related("targets").order_by("code"):
        for target in programme.targets.all():
            done = entered[(programme.pk, target.metric)]
            out.append(
                {
                    "programme": programme.name,
                    "metric": Metric(target.metric).label,
                    "target": target.value,
                    "entered": done,
                    "share": (done * 100 / target.value).quantize(Decimal("0.1"))
                    if target.value
                    else ZERO,
                }
            )
    return out


@transaction.atomic
def figure_set(
    *, programme: Programme, division: Division, year: int, metric: str, value: Decimal, actor
) -> ProgressFigure:
    """The bureau enters a year's figure (straw used as feed, cattle and sheep added)."""
    role = require(actor, Action.SUBSIDY_REVIEW, division.code)
    if metric not in Metric.values:
        raise BadInspection(_("Choose what the figure counts."))
    if not (programme.start_year <= year <= programme.target_year) or value < 0:
        raise BadInspection(
            _("The year must be within the programme and the value not negative."),
            fields={"year": [str(_("Out of range."))]},
        )
    old = ProgressFigure.objects.filter(
        programme=programme, division=division, year=year, metric=metric
    ).first()
    figure, _created = ProgressFigure.objects.update_or_create(
        programme=programme,
        division=division,
        year=year,
        metric=metric,
        defaults={"value": value, "entered_by": actor},
    )
    audit(
        EventType.SUBSIDY_PROGRESS_SET,
        figure,
        actor=actor,
        role=role,
        division=division.code,
        old={"value": old.value} if old else None,
        new={"year": year, "metric": metric, "value": value},
    )
    return figure
