"""Use cases of the 包保 tree: grid boundaries imported from GeoJSON (checked as a whole),
responsible people and grid heads assigned from a day on, zones set from a day on, and
planned-burning permits issued in limited-burning grids."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.regions.codes import Level, level_of
from yimen.regions.models import Division

from .. import geo
from ..errors import (
    BadInput,
    BadWindow,
    HistoryFixed,
    NotAGrid,
    NotAllowed,
    NotLimitedZone,
    PersonOutOfScope,
    RowsRefused,
)
from ..feeds import Explained, Several
from ..models import (
    Assignment,
    BurningSettings,
    BurnPermit,
    GridImport,
    Unit,
    UnitLevel,
    Zone,
    ZoneKind,
)
from .common import audit, require, settings_for, unit_for_division

GRID_LEVELS = (UnitLevel.GRID, UnitLevel.PLOT)
MAX_PERMIT_DAYS = 7


@dataclass(frozen=True)
class GridImportResult:
    grid_import: GridImport
    created: int
    updated: int
    warnings: list[tuple[int, str]]


def _parent_level_ok(child: int, parent: int) -> bool:
    if child == UnitLevel.VILLAGE:
        return parent == UnitLevel.TOWNSHIP
    if child == UnitLevel.GRID:
        return parent == UnitLevel.VILLAGE
    return parent == UnitLevel.GRID  # a plot lies in a grid


@transaction.atomic
def grids_import(
    *,
    county: Division,
    data: bytes,
    filename: str,
    actor,
    synthetic: bool = False,
    today: date | None = None,
) -> GridImportResult:
    """Import a county's village, grid and plot boundaries from one GeoJSON file.

    Refused as a whole, with every bad feature's number, when a geometry is invalid, a
    parent is unknown or outside the county, or a polygon sticks out of its parent's by
    more than the tolerance (a setting). Overlaps between siblings are reported, not
    refused. A feature whose code exists already replaces that unit's boundary."""
    role = require(actor, Action.BURNING_MANAGE, county.code)
    if level_of(county.code) != Level.COUNTY:
        raise RowsRefused([(0, "grids are imported per county")])
    today = today or timezone.localdate()
    tolerance = settings_for(county.code, today).grid_tolerance_metres
    features, errors = geo.parse_features(data)
    prefix = county.code[:6]
    by_code = {f.code: f for f in features}
    existing = {
        u.code: u for u in Unit.objects.filter(code__in=[*by_code, *[f.parent for f in features]])
    }
    divisions = {
        d.code: d
        for d in Division.objects.filter(code__in=[*by_code, *[f.parent for f in features]])
    }
    for f in features:
        problems: list[Explained] = []
        old = existing.get(f.code)
        if old is not None and old.county_code != prefix:
            problems.append(Explained(_("code %(code)s belongs to another county"), code=f.code))
        if f.level == UnitLevel.VILLAGE:
            d = divisions.get(f.code)
            if d is None or level_of(d.code) != Level.VILLAGE or not d.code.startswith(prefix):
                problems.append(
                    Explained(_("a village's code must be a village division code of this county"))
                )
        if f.parent in by_code:
            parent_level, parent_geom = by_code[f.parent].level, by_code[f.parent].geometry
        elif f.parent in existing:
            unit = existing[f.parent]
            parent_level = unit.level
            parent_geom = geo.shape(unit.geometry) if unit.geometry else None
            if unit.county_code != prefix:
                problems.append(
                    Explained(_("parent %(code)s is not in this county"), code=f.parent)
                )
        elif f.parent in divisions and divisions[f.parent].code.startswith(prefix):
            parent_level = UnitLevel(int(level_of(f.parent)))  # division levels match units'
            parent_geom = None
        else:
            problems.append(
                Explained(
                    _("parent %(code)s is neither a unit nor a division of this county"),
                    code=f.parent[:40],
                )
            )
            parent_level, parent_geom = None, None
        if parent_level is not None and not _parent_level_ok(f.level, parent_level):
            problems.append(
                Explained(
                    _("a %(level)s cannot lie under a %(parent)s"),
                    level=UnitLevel(f.level).label,
                    parent=UnitLevel(parent_level).label,
                )
            )
        if parent_geom is not None and not problems:
            proj = geo.LocalMetres.around([parent_geom])
            out = geo.outside_by_m(f.geometry, parent_geom, proj)
            if out > tolerance:
                problems.append(
                    Explained(
                        _("sticks out of its parent %(code)s by %(out)s m (tolerance %(tol)s m)"),
                        code=f.parent,
                        out=f"{out:.0f}",
                        tol=tolerance,
                    )
                )
        if problems:
            errors.append((f.number, Several(problems)))
    if errors:
        raise RowsRefused(sorted(errors, key=lambda e: e[0]))
    warnings = _overlap_warnings(features, by_code)
    record = GridImport.objects.create(
        county=county,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        synthetic=synthetic,
        features=len(features),
        warnings=[[n, w] for n, w in warnings],
        imported_by=actor,
    )
    created = updated = 0
    # parents first: villages, then grids, then plots
    for f in sorted(features, key=lambda f: (f.level, f.number)):
        if f.parent in by_code or f.parent in existing:
            parent = Unit.objects.get(code=f.parent)
        else:
            parent = unit_for_division(divisions[f.parent])
        # a village stands for its division; a grid or plot lies in its parent's village
        division = divisions[f.code] if f.level == UnitLevel.VILLAGE else parent.division
        minx, miny, maxx, maxy = f.geometry.bounds
        values = {
            "name": f.name,
            "level": f.level,
            "parent": parent,
            "division": division,
            "county_code": prefix,
            "geometry": geo.to_geojson(f.geometry),
            "min_lon": minx,
            "min_lat": miny,
            "max_lon": maxx,
            "max_lat": maxy,
            "area_m2": geo.area_m2(f.geometry),
            "synthetic": synthetic,
            "grid_import": record,
        }
        if f.households is not None:
            values["households"] = f.households
        _unit, made = Unit.objects.update_or_create(code=f.code, defaults=values)
        created += made
        updated += not made
    audit(
        EventType.BURNING_GRIDS_IMPORTED,
        record,
        actor=actor,
        role=role,
        division=county.code,
        new={
            "file": record.filename,
            "sha256": record.sha256,
            "features": len(features),
            "created": created,
            "updated": updated,
            "overlaps": len(warnings),
            "synthetic": synthetic,
        },
    )
    return GridImportResult(record, created, updated, warnings)


def _overlap_warnings(features, by_code) -> list[tuple[int, str]]:
    """Siblings (the file's and those already stored under the same parent) that overlap."""
    siblings: dict[str, list[tuple[str, int, object]]] = defaultdict(list)
    for f in features:
        siblings[f.parent].append((f.code, f.number, f.geometry))
    for unit in Unit.objects.filter(
        parent__code__in=list(siblings), geometry__isnull=False
    ).exclude(code__in=list(by_code)):
        siblings[unit.parent.code].append((unit.code, 0, geo.shape(unit.geometry)))  # type: ignore[union-attr]
    warnings = []
    for group in siblings.values():
        geoms = [g for _c, _n, g in group]
        proj = geo.LocalMetres.around(geoms)
        for i, j, area in geo.sibling_overlaps(geoms, [c for c, _n, _g in group], proj):
            (code_a, num_a, _), (code_b, num_b, _) = group[i], group[j]
            warnings.append((num_a or num_b, f"{code_a} overlaps {code_b} by {area:.0f} m²"))
    return sorted(warnings)


def _close_previous(rows, valid_from: date) -> None:
    later = rows.filter(valid_from__gte=valid_from).order_by("valid_from").first()
    if later is not None:
        raise HistoryFixed(day=later.valid_from)
    rows.filter(valid_to__isnull=True).update(valid_to=valid_from - timedelta(days=1))
    rows.filter(valid_to__gte=valid_from).update(valid_to=valid_from - timedelta(days=1))


@transaction.atomic
def assignment_set(
    *, unit: Unit, kind: str, person, valid_from: date, actor, phone: str = ""
) -> Assignment:
    """``person`` answers for ``unit`` as ``kind`` from ``valid_from``; the previous person
    of that kind answers until the day before. The person must hold a straw-burning role
    over the unit (so a dispatched case is theirs to see)."""
    role = require(actor, Action.BURNING_MANAGE, unit.division_id)
    if not can(person, Action.BURNING_VIEW, unit.division_id):
        raise PersonOutOfScope()
    current = Assignment.objects.select_for_update().filter(unit=unit, kind=kind)
    before = list(current.filter(Assignment.on(valid_from)).values("person_id", "valid_from"))
    _close_previous(current, valid_from)
    row = Assignment.objects.create(
        unit=unit,
        kind=kind,
        person=person,
        phone=phone[:20],
        valid_from=valid_from,
        assigned_by=actor,
    )
    audit(
        EventType.BURNING_ASSIGNED,
        unit,
        actor=actor,
        role=role,
        division=unit.division_id,
        old=before[0] if before else None,
        new={"kind": kind, "person": person.pk, "from": valid_from},
    )
    return row


def zone_on(unit: Unit, day: date) -> str:
    """The zone of a grid on ``day``; a grid with none in force is a ban zone."""
    row = (
        Zone.objects.filter(unit=unit, valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .order_by("-valid_from")
        .first()
    )
    return row.kind if row else ZoneKind.BAN


@transaction.atomic
def zone_set(*, unit: Unit, kind: str, valid_from: date, actor) -> Zone:
    """The grid is a ban zone or a limited-burning zone from ``valid_from`` on."""
    role = require(actor, Action.BURNING_MANAGE, unit.division_id)
    if unit.level not in GRID_LEVELS:
        raise NotAGrid()
    kind = ZoneKind(kind)
    rows = Zone.objects.select_for_update().filter(unit=unit)
    _close_previous(rows, valid_from)
    zone = Zone.objects.create(unit=unit, kind=kind, valid_from=valid_from, set_by=actor)
    audit(
        EventType.BURNING_ZONE_SET,
        unit,
        actor=actor,
        role=role,
        division=unit.division_id,
        new={"zone": kind, "from": valid_from},
    )
    return zone


@transaction.atomic
def permit_issue(
    *,
    unit: Unit,
    holder: str,
    starts_at: datetime,
    ends_at: datetime,
    actor,
    area_mu=None,
    conditions: str = "",
) -> BurnPermit:
    """A planned burning (计划烧除) in a limited-burning grid for a window of at most 7
    days; refused when on any day of the window the grid is not a limited-burning zone."""
    role = require(actor, Action.BURNING_MANAGE, unit.division_id)
    if unit.level not in GRID_LEVELS:
        raise NotAGrid()
    if ends_at <= starts_at or ends_at - starts_at > timedelta(days=MAX_PERMIT_DAYS):
        raise BadWindow()
    day = timezone.localtime(starts_at).date()
    last = timezone.localtime(ends_at).date()
    while day <= last:
        if zone_on(unit, day) != ZoneKind.LIMITED:
            raise NotLimitedZone(day=day)
        day += timedelta(days=1)
    holder = holder.strip()[:100]
    if not holder:
        raise BadInput(_("Name the permit's holder."))
    stamp = timezone.localtime(starts_at).strftime("%Y%m%d")
    seq = BurnPermit.objects.filter(number__startswith=f"JH{unit.county_code}{stamp}").count() + 1
    permit = BurnPermit.objects.create(
        number=f"JH{unit.county_code}{stamp}-{seq:03d}",
        unit=unit,
        holder=holder,
        starts_at=starts_at,
        ends_at=ends_at,
        area_mu=area_mu,
        conditions=conditions[:300],
        issued_by=actor,
    )
    audit(
        EventType.BURNING_PERMIT_ISSUED,
        permit,
        actor=actor,
        role=role,
        division=unit.division_id,
        new={"unit": unit.code, "from": starts_at, "until": ends_at, "holder": holder},
    )
    return permit


SETTING_FIELDS = [
    f.name
    for f in BurningSettings._meta.get_fields()
    if f.concrete and f.name not in ("id", "division", "valid_from", "placeholder", "set_by")
]


@transaction.atomic
def settings_set(*, division: Division, valid_from: date, values: dict, actor) -> BurningSettings:
    """New dated settings for a division (its subtree, until a lower division has its own),
    from ``valid_from`` on — never backdated, so a case's clock is never changed after it
    started. Set by a person, the values are no longer placeholders."""
    try:
        role = require(actor, Action.BURNING_MANAGE, division.code)
    except NotAllowed:
        role = require(actor, Action.BURNING_ACCOUNT, division.code)
    if valid_from < timezone.localdate():
        raise BadInput(_("Settings apply from today or a later day, never backdated."))
    if BurningSettings.objects.filter(division=division, valid_from=valid_from).exists():
        raise HistoryFixed(day=valid_from)
    before = settings_for(division.code, valid_from)
    merged = {name: values.get(name, getattr(before, name)) for name in SETTING_FIELDS}
    for month, day in (
        ("season_start_month", "season_start_day"),
        ("season_end_month", "season_end_day"),
    ):
        try:
            date(2001, int(merged[month]), int(merged[day]))  # not a leap year: no 29 Feb
        except (TypeError, ValueError):
            raise BadInput(_("The season's start and end must be days of the year.")) from None
    row = BurningSettings(division=division, valid_from=valid_from, placeholder=False, set_by=actor)
    for name in SETTING_FIELDS:
        setattr(row, name, merged[name])
    row.save()
    audit(
        EventType.BURNING_SETTINGS_SET,
        row,
        actor=actor,
        role=role,
        division=division.code,
        old={name: getattr(before, name) for name in SETTING_FIELDS},
        new={"from": valid_from, **{name: getattr(row, name) for name in SETTING_FIELDS}},
    )
    return row
