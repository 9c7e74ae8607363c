"""Statistics of fire points over a period: per day (detections, cases, verified straw
fires, late arrivals), counties ranked by fire points, outcomes — for the page's ECharts
and its Excel export. Scoped like every read."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone

from yimen.regions.models import Division

from . import selectors
from .models import Outcome


def figures(user, first: date, last: date) -> dict:
    points = selectors.detections_visible_to(user).filter(day__range=(first, last))
    cases = selectors.cases_visible_to(user).filter(first_detected_at__date__range=(first, last))
    by_day: dict[date, Counter] = defaultdict(Counter)
    for row in points.values("day").annotate(n=Count("pk")):
        by_day[row["day"]]["detections"] = row["n"]
    for c in cases.only("first_detected_at", "outcome", "arrived_at", "arrive_due_at", "status"):
        day = timezone.localtime(c.first_detected_at).date()
        by_day[day]["cases"] += 1
        by_day[day]["straw"] += c.outcome == Outcome.STRAW_FIRE
        late = c.arrive_due_at is not None and (
            (c.arrived_at and c.arrived_at > c.arrive_due_at)
            or (c.arrived_at is None and c.is_open and timezone.now() > c.arrive_due_at)
        )
        by_day[day]["late"] += bool(late)
    days = []
    day = first
    while day <= last:
        days.append(
            {
                "day": day.isoformat(),
                **{k: by_day[day][k] for k in ("detections", "cases", "straw", "late")},
            }
        )
        day += timedelta(days=1)
    counties = dict(Division.objects.filter(level=3).values_list("code", "name"))
    ranking = [
        {"county": counties.get(r["county_code"].ljust(12, "0"), r["county_code"]), "n": r["n"]}
        for r in points.exclude(county_code="")
        .values("county_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    outcomes = [
        {"outcome": str(Outcome(r["outcome"]).label), "n": r["n"]}
        for r in cases.exclude(outcome="").values("outcome").annotate(n=Count("pk")).order_by("-n")
    ]
    return {
        "first": first,
        "last": last,
        "days": days,
        "ranking": ranking,
        "outcomes": outcomes,
        "totals": {k: sum(d[k] for d in days) for k in ("detections", "cases", "straw", "late")},
    }
