"""Opening and joining fire cases for a batch of placed detections, written set-based: the
open cases near the batch are read in one query, every detection joins one of them (or a
case opened earlier in the batch) or opens a new one in memory, and then the new cases, the
detections and the audit events are each inserted in one statement stream (COPY on
PostgreSQL, executemany on SQLite, ``yimen.bulk_rows``) — no model instance and no query
per detection. A file of 100,000 FIRMS rows opens some ten thousand cases; building and
saving a Django model per row cost most of a minute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, append_events
from yimen.bulk_rows import insert_rows
from yimen.regions.codes import Level, code_at_level

from .. import transitions
from ..models import AssignmentKind, Detection, FireCase, Unit, ZoneKind
from ..models.fires import OPEN_STATUSES
from ..placement import Joiner, OpenCase
from .common import answerable_many, settings_for

CASE_SUBJECT = FireCase._meta.label_lower


@dataclass(slots=True)
class Placed:
    """One detection placed, waiting for its case (the row of the Detection table)."""

    row: tuple  # the Detection columns' values in DETECTION_COLUMNS order, but case_id
    unit: Any  # a Unit or placing.GridRef (pk, code, division_id, county_code), or None
    county: str
    day: date
    permit_id: int | None
    at: datetime  # acquired
    lon: float
    lat: float
    zone: str
    case: NewCase | None = None
    existing_case_id: int | None = None


@dataclass
class NewCase:
    """A case opened by this batch, before it has a primary key."""

    number: str
    values: dict
    unit_code: str
    day: date
    pk: int | None = None
    detections: list[Placed] = field(default_factory=list)


def _lock_counties(counties: list[str]) -> None:
    """One import or report at a time per county: case numbers count the county's cases of
    the day, and two batches counting at once would hand out the same number twice."""
    list(
        Unit.objects.select_for_update()
        .filter(code__in=[c.ljust(12, "0") for c in counties])
        .values_list("pk", flat=True)
    )


def _open_cases(counties: list[str], earliest: datetime, hours: int) -> list[FireCase]:
    """The cases a batch may join, in one query: open (or permitted, which a later point
    under the same permit joins) in the batch's counties, detected recently enough."""
    return list(
        FireCase.objects.filter(
            Q(status__in=OPEN_STATUSES) | Q(status=transitions.initial(True)),
            county_code__in=counties,
            last_detected_at__gte=earliest - timedelta(hours=hours),
        ).only(
            "pk",
            "county_code",
            "longitude",
            "latitude",
            "first_detected_at",
            "last_detected_at",
            "permit_id",
        )
    )


def open_and_join(placed: Sequence[Placed], *, now: datetime) -> tuple[list[NewCase], int, int]:
    """Join each placed detection to an open case near it, or open one; write the new
    cases and move the joined ones' detection window. Returns the new cases (with their
    keys), how many detections joined, how many permitted cases opened."""
    placed = sorted(
        (p for p in placed if p.unit is not None),
        key=lambda p: (p.at, p.lat, p.lon),
    )
    if not placed:
        return [], 0, 0
    counties = sorted({p.county for p in placed})
    _lock_counties(counties)
    today = timezone.localtime(now).date()
    rules = {c: settings_for(c.ljust(12, "0"), today) for c in counties}
    joiners = {c: Joiner(rules[c].join_metres, rules[c].join_hours) for c in counties}
    longest = max(r.join_hours for r in rules.values())
    for known in _open_cases(counties, placed[0].at, longest):
        joiners[known.county_code].add(
            OpenCase(
                known.pk,
                known.county_code,
                known.longitude,
                known.latitude,
                known.first_detected_at,
                known.last_detected_at,
                known.permit_id,
            )
        )
    numbers: dict[str, int] = {}
    opened: list[NewCase] = []
    touched: dict[int, OpenCase] = {}
    joined = permitted = 0
    for p in placed:
        at, lon, lat = p.at, p.lon, p.lat
        t = at.timestamp()
        found = joiners[p.county].find(p.county, lon, lat, at, p.permit_id, t)
        if found is not None:
            found.widen(at, t)
            if isinstance(found.ref, NewCase):
                p.case = found.ref
                found.ref.detections.append(p)
            else:
                p.existing_case_id = found.ref  # type: ignore[assignment]
                touched[found.ref] = found  # type: ignore[index]
            joined += 1
            continue
        case = _new_case(p, now=now, rules=rules[p.county], numbers=numbers)
        permitted += case.values["status"] == transitions.initial(True)
        opened.append(case)
        p.case = case
        case.detections.append(p)
        joiners[p.county].add(OpenCase(case, p.county, lon, lat, at, at, p.permit_id))
    # who answered for each new case's unit on its day: looked up for the cases opened only
    people = answerable_many({(c.values["unit_id"], c.day) for c in opened})
    for case in opened:
        who = people.get((case.values["unit_id"], case.day), {})
        for kind, column in (
            (AssignmentKind.RESPONSIBLE, "responsible_id"),
            (AssignmentKind.GRID_HEAD, "grid_head_id"),
        ):
            case.values[column] = who[kind].person_id if kind in who else None
        # the batch may have widened a new case's window too
        times = [d.at for d in case.detections]
        case.values["first_detected_at"], case.values["last_detected_at"] = min(times), max(times)
    _insert_cases(opened)
    _move_windows(touched.values())
    return opened, joined, permitted


CASE_COLUMNS = (
    "number",
    "unit_id",
    "division_id",
    "county_code",
    "township_code",
    "latitude",
    "longitude",
    "zone_kind",
    "permit_id",
    "status",
    "responsible_id",
    "grid_head_id",
    "first_detected_at",
    "last_detected_at",
    "opened_at",
    "arrive_due_at",
    "verify_due_at",
    "closed_at",
    "close_note",
    "escalation_level",
    "outcome",
    "photo_flagged",
)


def _new_case(p: Placed, *, now, rules, numbers: dict) -> NewCase:
    unit = p.unit
    assert unit is not None
    prefix = f"HD{p.county}{p.day:%Y%m%d}"
    if prefix not in numbers:
        numbers[prefix] = FireCase.objects.filter(number__startswith=prefix).count()
    numbers[prefix] += 1
    is_permitted = p.permit_id is not None
    township = ""
    if len(unit.division_id) == 12 and unit.division_id[6:9] != "000":
        township = code_at_level(unit.division_id, Level.TOWNSHIP)[:9]
    at = p.at
    number = f"{prefix}{numbers[prefix]:03d}"
    values = {
        "number": number,
        "unit_id": unit.pk,
        "division_id": unit.division_id,
        "county_code": p.county,
        "township_code": township,
        "latitude": p.lat,
        "longitude": p.lon,
        "zone_kind": p.zone or ZoneKind.BAN,
        "permit_id": p.permit_id,
        "status": transitions.initial(is_permitted),
        "responsible_id": None,  # filled in for all new cases at once
        "grid_head_id": None,
        "first_detected_at": at,
        "last_detected_at": at,
        "opened_at": now,
        "arrive_due_at": None if is_permitted else now + timedelta(minutes=rules.arrive_minutes),
        "verify_due_at": None if is_permitted else now + timedelta(hours=rules.verify_hours),
        "closed_at": now if is_permitted else None,
        "close_note": "",
        "escalation_level": 0,
        "outcome": "permitted" if is_permitted else "",
        "photo_flagged": False,
    }
    return NewCase(number, values, unit.code, p.day)


def _insert_cases(opened: list[NewCase]) -> None:
    """Insert the new cases in one stream, then read their keys back by number."""
    if not opened:
        return
    insert_rows(FireCase, CASE_COLUMNS, ([c.values[k] for k in CASE_COLUMNS] for c in opened))
    by_number = {c.number: c for c in opened}
    prefixes = sorted({c.number[:16] for c in opened})  # HD + county + day
    for prefix in prefixes:
        for number, pk in FireCase.objects.filter(number__startswith=prefix).values_list(
            "number", "pk"
        ):
            if number in by_number:
                by_number[number].pk = pk


def _move_windows(touched) -> None:
    """The joined existing cases' first and last detection times, one UPDATE statement
    executed for all of them."""
    rows = [(t.first, t.last, t.ref) for t in touched]
    if not rows:
        return
    table = connection.ops.quote_name(FireCase._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET first_detected_at = %s, last_detected_at = %s "  # noqa: S608
            "WHERE id = %s",
            rows,
        )


DETECTION_COLUMNS = (
    "source",
    "key",
    "fire_import_id",
    "row",
    "satellite",
    "instrument",
    "version",
    "latitude",
    "longitude",
    "acquired_at",
    "time_known",
    "day",
    "confidence",
    "confidence_level",
    "brightness",
    "brightness_2",
    "frp",
    "scan",
    "track",
    "daynight",
    "reported_place",
    "reported_by_id",
    "note",
    "placement",
    "unit_id",
    "distance_m",
    "division_id",
    "county_code",
    "zone_kind",
    "permit_id",
    "created_at",
    "case_id",
)


def insert_detections(placed: Sequence[Placed]) -> int:
    """Every detection of the batch, with the key of its case, in one stream."""

    def rows():
        for p in placed:
            case_id = p.case.pk if p.case is not None else p.existing_case_id
            yield (*p.row, case_id)

    return insert_rows(Detection, DETECTION_COLUMNS, rows())


def announce(opened: list[NewCase], *, actor, role: str) -> int:
    """The audit event of every case opened (``yimen notify`` tells the people it is routed
    to from it: burning/notifications.py), appended without model instances."""
    return append_events(
        [
            EventDraft(
                event_type=EventType.BURNING_CASE_OPENED,
                subject_type=CASE_SUBJECT,
                subject_id=str(case.pk),
                actor=actor,
                role=role,
                division_code=case.values["division_id"],
                new={
                    "number": case.number,
                    "unit": case.unit_code,
                    "status": case.values["status"],
                    "zone": case.values["zone_kind"],
                    "responsible": case.values["responsible_id"],
                    "grid_head": case.values["grid_head_id"],
                    "arrive_due_at": case.values["arrive_due_at"],
                },
                occurred_at=case.values["opened_at"],
            )
            for case in opened
        ]
    )
