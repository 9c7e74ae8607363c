"""Placing fire points and dispatching their cases (the part of the fire-point services an
import and a report share): each point placed in its grid (or the nearest, or the county,
or outside), joined to a nearby open case or opening a new one routed to the grid's
responsible person, grid head and township with the clock running; a point in a
limited-burning grid under a valid permit opens a case closed as permitted."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events, subject_of
from yimen.id_sets import chunks
from yimen.regions.codes import Level, code_at_level
from yimen.regions.models import Division

from .. import feeds, geo, transitions
from ..errors import NotAllowed
from ..models import (
    AssignmentKind,
    BurnPermit,
    Detection,
    FireCase,
    FireImport,
    Placement,
    Source,
    Unit,
    UnitLevel,
    Zone,
    ZoneKind,
)
from ..models.fires import OPEN_STATUSES
from ..placement import Joiner, OpenCase, locate
from .common import (
    answerable_many,
    settings_for,
    unit_for_division,
)

GRID_LEVELS = (UnitLevel.GRID, UnitLevel.PLOT)


@dataclass(frozen=True)
class Dispatched:
    """What placing a batch of points did."""

    detections: list[Detection]
    cases_opened: list[FireCase]
    joined: int
    permitted: int
    outside: int


def area_of(actor, action: Action) -> str:
    bindings = bindings_for(actor, action)
    if not bindings:
        raise NotAllowed()
    return bindings[0].division_code


def _grids_near(actor, action: Action, rows, margin_deg: float) -> list[Unit]:
    """The grids and plots with a boundary in the actor's area around the points."""
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
    return list(
        qs.annotate(boundary=Cast("geometry", output_field=TextField())).only(
            "pk", "code", "name", "level", "division_id", "county_code", "synthetic"
        )
    )


def _zones(units: list[Unit], days: list[date]) -> dict[tuple[int, date], str]:
    """(unit, day) → zone kind, for the units and days of a batch, in one query."""
    rows = defaultdict(list)
    if not days:
        return {}
    for part in chunks([u.pk for u in units]):
        for zone in Zone.objects.filter(unit_id__in=part, valid_from__lte=max(days)).exclude(
            valid_to__lt=min(days)
        ):
            rows[zone.unit_id].append(zone)
    found: dict[tuple[int, date], str] = {}
    for unit in units:
        for day in days:
            kind: str = ZoneKind.BAN
            best = None
            for zone in rows.get(unit.pk, ()):
                in_force = zone.valid_from <= day and (
                    zone.valid_to is None or zone.valid_to >= day
                )
                if in_force and (best is None or zone.valid_from > best.valid_from):
                    best = zone
            if best is not None:
                kind = best.kind
            found[(unit.pk, day)] = kind
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
) -> Dispatched:
    """Place ``rows`` (new detections) and open or join their cases (see the module)."""
    if not rows:
        return Dispatched([], [], 0, 0, 0)
    area = area_of(actor, action)  # a person always imports or reports: no system actor
    rules = settings_for(area, timezone.localtime(now).date())
    margin = (rules.county_metres + 1000) / geo.M_PER_DEG_LAT * 2
    units = _grids_near(actor, action, rows, margin)
    index = geo.GridIndex(
        [f"{9 - u.level}|{u.code}" for u in units],
        geo.shapes_from_text([u.boundary for u in units]),  # type: ignore[attr-defined]
    )
    spots = locate(
        index,
        [r.longitude for r in rows],
        [r.latitude for r in rows],
        nearest_m=rules.nearest_metres,
        county_m=rules.county_metres,
    )
    days = sorted({r.day for r in rows})
    placed_units = sorted({units[s.grid].pk for s in spots if s.how in ("in_grid", "nearest")})
    by_pk = {u.pk: u for u in units}
    zones = _zones([by_pk[pk] for pk in placed_units], days)
    permits: dict[int, list[BurnPermit]] = defaultdict(list)
    for part in chunks(placed_units):
        for issued in BurnPermit.objects.filter(unit_id__in=part):
            permits[issued.unit_id].append(issued)
    county_units: dict[str, Unit] = {}
    names: dict[str, str | None] = {}
    detections: list[Detection] = []
    for row, spot in zip(rows, spots, strict=True):
        unit: Unit | None = None
        zone: str = ""
        permit: BurnPermit | None = None
        how = spot.how
        if how in ("in_grid", "nearest"):
            unit = units[spot.grid]
            zone = zones[(unit.pk, row.day)]
            if zone == ZoneKind.LIMITED:
                permit = _permit_for(permits.get(unit.pk, []), row)
        elif how == "county":
            unit = _county_unit(units[spot.grid].county_code, county_units)
        if unit is None and row.source == Source.BULLETIN and row.county:
            code6 = _county_by_name(actor, action, row.county, names)
            unit = _county_unit(code6, county_units) if code6 else None
            how = "county" if unit else "outside"
        if how == "county" and unit is not None:
            zone = ZoneKind.BAN
        if unit is not None and not can(actor, action, unit.division_id):
            unit = None  # a county's point, but the actor's area is a part of the county
        if unit is None:
            how, zone, permit = "outside", "", None
        detections.append(
            Detection(
                source=row.source,
                key=row.key if fire_import is not None else uuid.uuid4().hex,
                fire_import=fire_import,
                row=row.row or None,
                satellite=row.satellite,
                instrument=row.instrument,
                version=row.version,
                latitude=row.latitude,
                longitude=row.longitude,
                acquired_at=row.acquired_at,
                time_known=row.time_known,
                day=row.day,
                confidence=row.confidence,
                confidence_level=row.confidence_level,
                brightness=row.brightness,
                brightness_2=row.brightness_2,
                frp=row.frp,
                scan=row.scan,
                track=row.track,
                daynight=row.daynight,
                reported_place=row.place,
                reported_by=actor if fire_import is None else None,
                note=note,
                placement=how,
                unit=unit,
                distance_m=spot.distance_m if how != "outside" else None,
                division_id=unit.division_id if unit else None,
                county_code=unit.county_code if unit else "",
                zone_kind=zone,
                permit=permit,
            )
        )
    opened, joined, permitted = _dispatch(detections, now=now)
    for part in chunks(detections, 2000):
        Detection.objects.bulk_create(part)
    outside = sum(d.placement == Placement.OUTSIDE for d in detections)
    _announce(opened, actor, action)
    return Dispatched(detections, opened, joined, permitted, outside)


def _dispatch(detections: list[Detection], *, now: datetime) -> tuple[list[FireCase], int, int]:
    """Join each placed detection to an open case near it, or open one; returns the new
    cases, how many detections joined and how many permitted cases opened."""
    placed = [d for d in detections if d.unit is not None]
    if not placed:
        return [], 0, 0
    counties = sorted({d.county_code for d in placed})
    # one import or report at a time per county: the case numbers count the county's cases
    # of the day, and two files counting at once would give the same number twice
    list(
        Unit.objects.select_for_update()
        .filter(code__in=[c.ljust(12, "0") for c in counties])
        .values_list("pk", flat=True)
    )
    today = timezone.localtime(now).date()
    rules = {c: settings_for(c.ljust(12, "0"), today) for c in counties}
    joiners = {c: Joiner(rules[c].join_metres, rules[c].join_hours) for c in counties}
    earliest = min(d.acquired_at for d in placed)
    longest = max(r.join_hours for r in rules.values())
    for known in FireCase.objects.filter(
        Q(status__in=OPEN_STATUSES) | Q(status=transitions.initial(True)),
        county_code__in=counties,
        last_detected_at__gte=earliest - timedelta(hours=longest),
    ):
        joiners[known.county_code].add(
            OpenCase(
                known,
                known.county_code,
                known.longitude,
                known.latitude,
                known.first_detected_at,
                known.last_detected_at,
                known.permit_id,
            )
        )
    opened: list[FireCase] = []
    touched: dict[int, FireCase] = {}
    joined = permitted = 0
    numbers: dict[str, int] = {}
    people = answerable_many({(d.unit.pk, d.day) for d in placed if d.unit is not None})
    for d in sorted(placed, key=lambda d: (d.acquired_at, d.latitude, d.longitude)):
        joiner = joiners[d.county_code]
        found = joiner.find(d.county_code, d.longitude, d.latitude, d.acquired_at, d.permit_id)
        if found is not None:
            case: FireCase = found.ref  # type: ignore[assignment]
            d.case = case
            found.first = min(found.first, d.acquired_at)
            found.last = max(found.last, d.acquired_at)
            case.first_detected_at = found.first  # type: ignore[attr-defined]
            case.last_detected_at = found.last  # type: ignore[attr-defined]
            if getattr(case, "pk", None):
                touched[case.pk] = case  # type: ignore[assignment]
            joined += 1
            continue
        case = _new_case(d, now=now, rules=rules[d.county_code], numbers=numbers, people=people)
        opened.append(case)
        permitted += case.status == transitions.initial(True)
        d.case = case
        joiner.add(
            OpenCase(
                case,
                d.county_code,
                d.longitude,
                d.latitude,
                d.acquired_at,
                d.acquired_at,
                d.permit_id,
            )
        )
    FireCase.objects.bulk_create(opened, batch_size=1000)
    for d in placed:  # the new cases have their keys now
        d.case_id = d.case.pk  # type: ignore[union-attr]
    if touched:
        FireCase.objects.bulk_update(
            list(touched.values()), ["first_detected_at", "last_detected_at"], batch_size=1000
        )
    return opened, joined, permitted


def _new_case(d: Detection, *, now, rules, numbers: dict, people: dict) -> FireCase:
    unit = d.unit
    assert unit is not None
    prefix = f"HD{d.county_code}{d.day:%Y%m%d}"
    if prefix not in numbers:
        numbers[prefix] = FireCase.objects.filter(number__startswith=prefix).count()
    numbers[prefix] += 1
    who = people.get((unit.pk, d.day), {})
    is_permitted = d.permit_id is not None
    township = ""
    if len(unit.division_id) == 12 and unit.division_id[6:9] != "000":
        township = code_at_level(unit.division_id, Level.TOWNSHIP)[:9]
    responsible = who.get(AssignmentKind.RESPONSIBLE)
    head = who.get(AssignmentKind.GRID_HEAD)
    return FireCase(
        number=f"{prefix}{numbers[prefix]:03d}",
        unit=unit,
        division_id=unit.division_id,
        county_code=d.county_code,
        township_code=township,
        latitude=d.latitude,
        longitude=d.longitude,
        zone_kind=d.zone_kind or ZoneKind.BAN,
        permit_id=d.permit_id,
        status=transitions.initial(is_permitted),
        responsible=responsible.person if responsible else None,
        grid_head=head.person if head else None,
        first_detected_at=d.acquired_at,
        last_detected_at=d.acquired_at,
        opened_at=now,
        arrive_due_at=None if is_permitted else now + timedelta(minutes=rules.arrive_minutes),
        verify_due_at=None if is_permitted else now + timedelta(hours=rules.verify_hours),
        closed_at=now if is_permitted else None,
        outcome="permitted" if is_permitted else "",
    )


def _announce(opened: list[FireCase], actor, action: Action) -> None:
    """The audit event of every case opened; ``yimen notify`` tells the people it is routed
    to from it (burning/notifications.py)."""
    if not opened:
        return
    role = str(bindings_for(actor, action)[0].role)
    record_events(
        [
            EventDraft(
                event_type=EventType.BURNING_CASE_OPENED,
                subject_type=subject_of(case)[0],
                subject_id=str(case.pk),
                actor=actor,
                role=role,
                division_code=case.division_id,
                new={
                    "number": case.number,
                    "unit": case.unit.code,
                    "status": case.status,
                    "zone": case.zone_kind,
                    "responsible": case.responsible_id,
                    "grid_head": case.grid_head_id,
                    "arrive_due_at": case.arrive_due_at,
                },
                occurred_at=case.opened_at,
            )
            for case in opened
        ]
    )
