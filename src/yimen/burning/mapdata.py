"""The map's data for one county and day, from our own GeoJSON (no tiles, no outside
scripts): the grids with their zone that day, and the fire points with a link to their
case; scoped like every read (a user sees only grids and points of their area).

The boundaries are read from the database as JSON text and spliced into the answer as
they are (``orjson.Fragment``): parsing and re-serialising a county's 1,782 polygons
(Changchun's count) was most of the time of a request (docs/performance.md)."""

from __future__ import annotations

from datetime import date

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .feeds import CONFIDENCE_ORDER
from .models import Source, UnitLevel, Zone, ZoneKind


def map_json(user, county6: str, day: date, *, source: str = "", confidence: str = "") -> bytes:
    """The map's data as JSON bytes."""
    return orjson.dumps(map_payload(user, county6, day, source=source, confidence=confidence))


def map_payload(user, county6: str, day: date, *, source: str = "", confidence: str = "") -> dict:
    """The map's data; each grid's geometry is an ``orjson.Fragment`` of its GeoJSON."""
    grids = list(
        selectors.units_visible_to(user)
        .filter(county_code=county6, level__in=(UnitLevel.GRID, UnitLevel.PLOT))
        .exclude(geometry=None)
        .annotate(boundary=Cast("geometry", output_field=TextField()))
        .values("pk", "code", "name", "boundary", "synthetic")
    )
    zones: dict[int, str] = {}
    for unit_id, kind in (
        Zone.objects.filter(unit_id__in=[g["pk"] for g in grids], valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by("valid_from")
        .values_list("unit_id", "kind")
    ):
        zones[unit_id] = kind
    points = selectors.detections_visible_to(user).filter(county_code=county6, day=day)
    if source in Source.values:
        points = points.filter(source=source)
    floor = CONFIDENCE_ORDER.get(confidence, 0)
    if floor:
        points = points.filter(
            confidence_level__in=[k for k, v in CONFIDENCE_ORDER.items() if v >= floor and k]
        )
    case_url = reverse("burning:case_detail", args=[0])[:-2]  # ".../cases/"
    return {
        "county": county6,
        "day": day.isoformat(),
        "synthetic": any(g["synthetic"] for g in grids),
        "zones": {k: str(ZoneKind(k).label) for k in ZoneKind.values},
        "grids": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "name": g["code"],
                        "label": _("%(name)s (synthetic)") % {"name": g["name"]}
                        if g["synthetic"]
                        else g["name"],
                        "zone": zones.get(g["pk"], ZoneKind.BAN),
                    },
                    "geometry": orjson.Fragment(g["boundary"]),
                }
                for g in grids
            ],
        },
        "points": [
            {
                "lon": p["longitude"],
                "lat": p["latitude"],
                "source": p["source"],
                "confidence": p["confidence"],
                "time": timezone.localtime(p["acquired_at"]).strftime("%H:%M")
                if p["time_known"]
                else "",
                "case": p["case__number"] or "",
                "url": f"{case_url}{p['case_id']}/" if p["case_id"] else "",
            }
            for p in points.values(
                "longitude",
                "latitude",
                "source",
                "confidence",
                "acquired_at",
                "time_known",
                "case_id",
                "case__number",
            )
        ],
    }
