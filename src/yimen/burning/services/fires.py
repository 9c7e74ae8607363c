"""Fire points in: satellite files imported as a whole (every row or none, idempotent),
patrol and hotline reports; each point placed in its grid, joined to a nearby open case
or opening a new one, routed to the grid's responsible person, grid head and township
with the clock running — or, in a limited-burning grid under a valid permit, recorded
and closed as permitted."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events, subject_of
from yimen.import_limits import bounded_rows, import_limits, too_big_file, xlsx_rows

from .. import feeds, feeds_fast, geo
from ..errors import (
    BadInput,
    BadPosition,
    FormatMismatch,
    NotInScope,
    RowsRefused,
    UnreadableFile,
)
from ..models import (
    Detection,
    FireImport,
    Placement,
    Source,
)
from .placing import area_of, place_and_dispatch


def is_spreadsheet(data: bytes, filename: str) -> bool:
    """An Excel workbook (its cells may be numbers and dates), not a CSV text."""
    return data[:2] == b"PK" or filename.lower().endswith(".xlsx")


def read_table(data: bytes, filename: str) -> list:
    """The rows of a CSV or Excel file, within the import caps."""
    limits = import_limits()
    try:
        if is_spreadsheet(data, filename):
            return list(xlsx_rows(data, filename, limits))
        if len(data) > limits.max_file_bytes:
            raise too_big_file(filename, limits)
        return list(bounded_rows(feeds.decode_csv(data), filename, limits))
    except feeds.FeedError as exc:
        raise UnreadableFile(exc) from None
    except (OSError, KeyError, ValueError) as exc:  # openpyxl on a file it cannot read
        raise UnreadableFile(type(exc).__name__) from None


def known_keys(keys: list[str]) -> set[str]:
    """The keys among ``keys`` of detections stored already, in one statement: the keys
    bound as one value (an array on PostgreSQL, a JSON array on SQLite) rather than a
    parameter each, which cost Django a few µs per key and SQLite a query per 950."""
    if not keys:
        return set()
    table = connection.ops.quote_name(Detection._meta.db_table)
    value: object
    if connection.vendor == "postgresql":
        sql, value = f"SELECT key FROM {table} WHERE key = ANY(%s)", list(keys)  # noqa: S608
    else:
        sql = f"SELECT key FROM {table} WHERE key IN (SELECT value FROM json_each(%s))"  # noqa: S608
        value = json.dumps(keys)  # hexadecimal digests: nothing to escape
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return {key for (key,) in cursor.fetchall()}


@transaction.atomic
def fires_import(
    *,
    data: bytes,
    filename: str,
    actor,
    now: datetime | None = None,
    source: str | None = None,
):
    """Import one FIRMS (VIIRS or MODIS) CSV or provincial bulletin (CSV or Excel).

    Refused as a whole, with every bad row's number, if any row is bad — or, when the
    sender declared its ``source`` (the API), if the file is of another feed. Rows imported
    before (same source, satellite, position and minute) are skipped, so re-importing a
    file or an overlapping download adds nothing. Points are placed only in the grids of
    the importer's area; the rest count as outside."""
    area = area_of(actor, Action.BURNING_IMPORT)
    now = now or timezone.now()
    try:
        table = read_table(data, filename)
        text = not is_spreadsheet(data, filename)
        parsed = feeds_fast.parse(table, text=text) or feeds.parse_rows(table)
    except feeds.FeedError as exc:
        raise UnreadableFile(exc) from None
    if source is not None and parsed.source != source:
        raise FormatMismatch(
            declared=Source(source).label if source in Source.values else source,
            found=Source(parsed.source).label,
        )
    if parsed.errors:
        raise RowsRefused(parsed.errors)
    fresh, seen = [], known_keys([r.key for r in parsed.rows])
    for row in parsed.rows:
        if row.key not in seen:
            seen.add(row.key)
            fresh.append(row)
    record = FireImport.objects.create(
        source=parsed.source,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len(parsed.rows),
        new=len(fresh),
        duplicates=len(parsed.rows) - len(fresh),
        imported_by=actor,
    )
    done = place_and_dispatch(
        fresh, actor=actor, action=Action.BURNING_IMPORT, now=now, fire_import=record
    )
    record.outside = done.outside
    record.cases_opened = len(done.cases_opened)
    record.joined = done.joined
    record.permitted = done.permitted
    record.save(update_fields=["outside", "cases_opened", "joined", "permitted"])
    record_events(
        [
            EventDraft(
                event_type=EventType.BURNING_FIRES_IMPORTED,
                subject_type=subject_of(record)[0],
                subject_id=str(record.pk),
                actor=actor,
                role=str(bindings_for(actor, Action.BURNING_IMPORT)[0].role),
                division_code=area,
                new={
                    "file": record.filename,
                    "sha256": record.sha256,
                    "source": record.source,
                    "rows": record.rows,
                    "new": record.new,
                    "duplicates": record.duplicates,
                    "outside": record.outside,
                    "cases_opened": record.cases_opened,
                    "joined": record.joined,
                    "permitted": record.permitted,
                },
            )
        ]
    )
    return record


#: a report older than this is history, not a fire to dispatch (a placeholder, see the doc)
REPORT_MAX_AGE_DAYS = 7


def report_key(source: str, area: str, reference: str) -> str:
    """The key of a report its sender named (``reference``), or "" when it named none."""
    reference = reference.strip()[:100]
    if not reference:
        return ""
    return hashlib.sha256(f"report|{source}|{area}|{reference}".encode()).hexdigest()


@transaction.atomic
def fire_report(
    *,
    actor,
    source: str,
    longitude: float,
    latitude: float,
    seen_at: datetime,
    place: str = "",
    note: str = "",
    reference: str = "",
    now: datetime | None = None,
) -> Detection:
    """A fire seen on patrol or reported by the hotline, placed and dispatched like a
    satellite point; refused when the place is outside the reporter's area.

    ``reference`` is the sending system's own id of the report (a patrol app, the hotline's
    ticket): sent again — a retry after a lost answer — it returns the fire point recorded
    the first time instead of opening a second case (``report_key`` names it)."""
    area = area_of(actor, Action.BURNING_REPORT)
    now = now or timezone.now()
    if not now - timedelta(days=REPORT_MAX_AGE_DAYS) <= seen_at <= now + timedelta(minutes=10):
        raise BadInput(
            _("A fire is reported within %(days)s days of being seen, never ahead of time.")
            % {"days": REPORT_MAX_AGE_DAYS}
        )
    reference = reference.strip()[:100]
    key = report_key(source, area, reference)
    if key:
        known = Detection.objects.filter(key=key).first()
        if known is not None:
            return known
    if source not in (Source.PATROL, Source.HOTLINE):
        raise BadPosition()
    lon_ok = geo.LON_RANGE[0] <= longitude <= geo.LON_RANGE[1]
    if not (lon_ok and geo.LAT_RANGE[0] <= latitude <= geo.LAT_RANGE[1]):
        raise BadPosition()
    row = feeds.FireRow(
        row=0,
        source=source,
        latitude=latitude,
        longitude=longitude,
        acquired_at=seen_at,
        time_known=True,
        township=place.strip()[:60],
    )
    done = place_and_dispatch(
        [row],
        actor=actor,
        action=Action.BURNING_REPORT,
        now=now,
        note=note.strip()[:500],
        report_key=key,
    )
    detection = Detection.objects.get(key=done.keys[0])
    if detection.placement == Placement.OUTSIDE:
        raise NotInScope()
    record_events(
        [
            EventDraft(
                event_type=EventType.BURNING_FIRE_REPORTED,
                subject_type=subject_of(detection)[0],
                subject_id=str(detection.pk),
                actor=actor,
                role=str(bindings_for(actor, Action.BURNING_REPORT)[0].role),
                division_code=detection.division_id or "",
                new={
                    "source": source,
                    "lon": longitude,
                    "lat": latitude,
                    "seen_at": seen_at,
                    "case": detection.case_id,
                    "reference": reference,
                },
            )
        ]
    )
    return detection
