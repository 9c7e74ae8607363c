"""Placing fire points (the part of the fire-point services an import and a report share):
each point placed in its grid (or the nearest, or the county, or outside), with the grid's
zone that day and a valid permit in a limited-burning grid; then ``opening`` joins it to a
nearby open case or opens one routed to the grid's responsible person, grid head and
township with the clock running (a point under a valid permit opens a case closed as
permitted), and the batch is written set-based."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.id_sets import IdSet
from yimen.regions.codes import Level
from yimen.regions.models import Division

from .. import feeds, geo
from ..errors import NotAllowed
from ..models import BurnPermit, FireImport, Source, Unit, UnitLevel, Zone, ZoneKind
from ..placement import locate_columns
from .common import settings_for, unit_for_division
from .opening import NewCase, Placed, announce, insert_detections, open_and_join

GRID_LEVELS = (UnitLevel.GRID, UnitLevel.PLOT)


@dataclass(frozen=True)
class Dispatched:
    """What placing a batch of points did: the detections' keys in the rows' order, the
    cases opened, how many detections joined a case, permitted cases, points outside."""

    keys: list[str]
    cases_opened: list[NewCase]
    joined: int
    permitted: int
    outside: int


def area_of(actor, action: Action) -> str:
    bindings = bindings_for(actor, action)
    if not bindings:
        raise NotAllowed()
    return bindings[0].division_code


@dataclass(frozen=True, slots=True)
class GridRef:
    """What placing needs of a grid or plot (read as plain values: a county of 50,000 grids
    would otherwise build 50,000 model instances)."""

    pk: int
    code: str
    level: int
    division_id: str
    county_code: str


def _grids_near(actor, action: Action, rows, margin_deg: float) -> tuple[list[GridRef], list]:
    """The grids and plots with a boundary in the actor's area around the points, and
    their boundaries as GeoJSON text."""
    lons = [r.longitude for r in rows]
    lats = [r.latitude for r in rows]
    qs = Unit.objects.filter(
        level__in=GRID_LEVELS,
        geometry__isnull=False,
        min_lon__lte=max(lons) + margin_deg,
        max_lon__gte=min(lons) - margin_deg,
        min_lat__lte=max(lats) + margin_deg,
        max_lat__gte=min(lats) - margin_deg,
    ).filter(division_q(actor, action, "division__code"))
    # the boundary as JSON text: shapely reads a whole batch of it at once (7× faster than
    # decoding each JSON value and building its shape one by one)
    found = list(
        qs.annotate(boundary=Cast("geometry", output_field=TextField())).values_list(
            "pk", "code", "level", "division_id", "county_code", "boundary"
        )
    )
    return [GridRef(*values[:5]) for values in found], [values[5] for values in found]


def _zones(pairs: set[tuple[int, date]]) -> dict[tuple[int, date], str]:
    """(unit, day) → zone kind for the pairs of a batch, in one query: the zone in force
    that day, the latest one starting on or before it; none is a ban zone."""
    if not pairs:
        return {}
    days = [d for _u, d in pairs]
    rows = defaultdict(list)
    for zone in (
        Zone.objects.filter(unit_id__any_of=IdSet(sorted({u for u, _d in pairs})))
        .filter(valid_from__lte=max(days))
        .exclude(valid_to__lt=min(days))
        .order_by("valid_from")
    ):
        rows[zone.unit_id].append(zone)
    found: dict[tuple[int, date], str] = {}
    for unit_id, day in pairs:
        kind: str = ZoneKind.BAN
        for zone in rows.get(unit_id, ()):
            if zone.valid_from <= day and (zone.valid_to is None or zone.valid_to >= day):
                kind = zone.kind
        found[(unit_id, day)] = kind
    return found


def _permit_for(permits: list[BurnPermit], row: feeds.FireRow) -> BurnPermit | None:
    for permit in permits:
        if row.time_known:
            if permit.starts_at <= row.acquired_at <= permit.ends_at:
                return permit
        elif (
            timezone.localtime(permit.starts_at).date()
            <= row.day
            <= timezone.localtime(permit.ends_at).date()
        ):
            return permit
    return None


def _county_unit(code6: str, cache: dict[str, Unit]) -> Unit | None:
    if code6 not in cache:
        division = Division.objects.filter(pk=code6.ljust(12, "0")).first()
        cache[code6] = unit_for_division(division) if division else None  # type: ignore[assignment]
    return cache[code6]


def _county_by_name(actor, action: Action, name: str, cache: dict) -> str | None:
    """A bulletin's county (by name) among the counties of the actor's area, if unique."""
    if name not in cache:
        qs = Division.objects.filter(
            division_q(actor, action, "code"), level=Level.COUNTY, name=name
        )
        codes = list(qs.values_list("code", flat=True)[:2])
        cache[name] = codes[0][:6] if len(codes) == 1 else None
    return cache[name]


def place_and_dispatch(
    rows: list[feeds.FireRow],
    *,
    actor,
    action: Action,
    now: datetime,
    fire_import: FireImport | None = None,
    note: str = "",
    report_key: str = "",
) -> Dispatched:
    """Place ``rows`` (new detections) and open or join their cases (see the module)."""
    if not rows:
        return Dispatched([], [], 0, 0, 0)
    area = area_of(actor, action)  # a person always imports or reports: no system actor
    rules = settings_for(area, timezone.localtime(now).date())
    margin = (rules.county_metres + 1000) / geo.M_PER_DEG_LAT * 2
    units, boundaries = _grids_near(actor, action, rows, margin)
    index = geo.GridIndex(
        [f"{9 - u.level}|{u.code}" for u in units], geo.shapes_from_text(boundaries)
    )
    grids, hows, distances = locate_columns(
        index,
        [r.longitude for r in rows],
        [r.latitude for r in rows],
        nearest_m=rules.nearest_metres,
        county_m=rules.county_metres,
    )
    by_grid = [
        units[g] if how in ("in_grid", "nearest") else None
        for g, how in zip(grids, hows, strict=True)
    ]
    zones = _zones({(u.pk, r.day) for u, r in zip(by_grid, rows, strict=True) if u is not None})
    permits: dict[int, list[BurnPermit]] = defaultdict(list)
    limited = sorted({u for (u, _d), kind in zones.items() if kind == ZoneKind.LIMITED})
    if limited:
        for issued in BurnPermit.objects.filter(unit_id__any_of=IdSet(limited)):
            permits[issued.unit_id].append(issued)
    county_units: dict[str, Unit] = {}
    names: dict[str, str | None] = {}
    reporter = actor.pk if fire_import is None else None
    import_id = fire_import.pk if fire_import is not None else None
    placed: list[Placed] = []
    keys: list[str] = []
    outside = 0
    allowed: dict[str, bool] = {}
    for row, position, how, distance, grid in zip(
        rows, grids, hows, distances, by_grid, strict=True
    ):
        unit: Unit | GridRef | None = grid
        zone: str = ""
        permit: BurnPermit | None = None
        if grid is not None:
            zone = zones[(grid.pk, row.day)]
            if zone == ZoneKind.LIMITED:
                permit = _permit_for(permits.get(grid.pk, []), row)
        elif how == "county":
            unit = _county_unit(units[position].county_code, county_units)
        if unit is None and row.source == Source.BULLETIN and row.county:
            code6 = _county_by_name(actor, action, row.county, names)
            unit = _county_unit(code6, county_units) if code6 else None
            how = "county" if unit else "outside"
        if how == "county" and unit is not None:
            zone = ZoneKind.BAN
        if unit is not None and unit.division_id not in allowed:
            allowed[unit.division_id] = can(actor, action, unit.division_id)
        if unit is not None and not allowed[unit.division_id]:
            unit = None  # a county's point, but the actor's area is a part of the county
        if unit is None:
            how, zone, permit = "outside", "", None
            outside += 1
        # a report is never a duplicate unless its sender names it (its reference)
        key = row.key if fire_import is not None else (report_key or uuid.uuid4().hex)
        keys.append(key)
        unit_pk = unit.pk if unit else None
        division = unit.division_id if unit else None
        county = unit.county_code if unit else ""
        permit_id = permit.pk if permit else None
        # in the order of opening.DETECTION_COLUMNS
        values = (
            row.source,
            key,
            import_id,
            row.row or None,
            row.satellite,
            row.instrument,
            row.version,
            row.latitude,
            row.longitude,
            row.acquired_at,
            row.time_known,
            row.day,
            row.confidence,
            row.confidence_level,
            row.brightness,
            row.brightness_2,
            row.frp,
            row.scan,
            row.track,
            row.daynight,
            row.place,
            reporter,
            note,
            how,
            unit_pk,
            distance if how != "outside" else None,
            division,
            county,
            zone,
            permit_id,
            now,
        )
        placed.append(
            Placed(
                values,
                unit,
                county,
                row.day,
                permit_id,
                row.acquired_at,
                row.longitude,
                row.latitude,
                zone,
            )
        )
    opened, joined, permitted = open_and_join(placed, now=now)
    insert_detections(placed)
    if opened:
        announce(opened, actor=actor, role=str(bindings_for(actor, action)[0].role))
    return Dispatched(keys, opened, joined, permitted, outside)
