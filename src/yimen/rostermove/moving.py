"""What every kind's import shares: which keys were already moved in, ids for the rows
about to be written, complete rows of a model's defaults, the moved-in notes and the
audit events (one per record, who/when/why, appended as one chained batch).

Ids are taken before the rows are written so that the households, their members and
their entitlements can be inserted column-wise (COPY on PostgreSQL) without a round trip
per row: on PostgreSQL from the table's own sequence (``nextval`` — safe beside other
writers), on SQLite above the largest id (the import's transaction already holds
SQLite's single write lock, so nobody else inserts meanwhile)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, append_events
from yimen.bulk_rows import insert_frame
from yimen.fieldcrypt.columns import seal_columns
from yimen.id_sets import chunks

from .models import MovedRecord


def moved_batches(kind: str, keys: Iterable[str]) -> dict[str, int]:
    """key → the batch that moved it in, for the ``keys`` already moved in."""
    found: dict[str, int] = {}
    for part in chunks(sorted(set(keys))):
        found.update(
            MovedRecord.objects.filter(kind=kind, key__in=part).values_list("key", "batch_id")
        )
    return found


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """``n`` fresh primary keys of ``model``'s table, in increasing order."""
    if n == 0:
        return []
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, n],
            )
            return sorted(r[0] for r in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + n))


def defaults_of(model: type[models.Model], now: datetime | None) -> dict[str, Any]:
    """attname → the value a new row gets when not given (database form), so a column
    another app adds later with a default needs no change here."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            values[field.attname] = now
        elif field.has_default():
            default = field.get_default()
            if isinstance(field, models.JSONField):
                default = json.dumps(default)
            values[field.attname] = default
        elif field.null:
            values[field.attname] = None
        elif field.empty_strings_allowed and not field.primary_key:
            values[field.attname] = ""  # text, and file fields (their path): blank
    return values


def insert_columns(
    model: type[models.Model],
    columns: dict[str, Sequence[Any]],
    now: datetime | None,
) -> int:
    """Insert rows given column-wise (attname → values, equal lengths); every other field
    takes its default (``defaults_of``). One CSV stream through COPY on PostgreSQL
    (``bulk_rows.insert_frame``): no Python call per row or per value."""
    if not columns:
        return 0
    columns = seal_columns(model, columns)  # encrypted fields: ciphertext + blind index
    constants = {k: v for k, v in defaults_of(model, now).items() if k not in columns}
    if model._meta.pk.attname not in columns:
        constants.pop(model._meta.pk.attname, None)
    frame = pl.DataFrame({name: list(values) for name, values in columns.items()})
    return insert_frame(model, frame, constants)


def note_moved(kind: str, batch_id: int, keys: Sequence[str], rows, object_ids) -> None:
    insert_columns(
        MovedRecord,
        {
            "kind": [kind] * len(keys),
            "key": list(keys),
            "batch_id": [batch_id] * len(keys),
            "row": list(rows),
            "object_id": list(object_ids),
        },
        now=None,  # MovedRecord has no time column
    )


def migration_reason(batch_id: int) -> str:
    """Why, in the audit log and on the entitlement: in the language of the one importing,
    as every reason a person writes is (Chinese on a Chinese site)."""
    return str(_("Moved in from the old system, batch %(batch)s")) % {"batch": batch_id}


def audit_moved(
    *,
    subject_type: str,
    object_ids: Sequence[int],
    divisions: Sequence[str],
    new: dict,
    actor,
    role: str,
    batch_id: int,
) -> int:
    """One MIGRATED event per record moved in, chained in one append. ``new`` is the same
    object for all of them (the batch; what each record got is in its own rows and the
    batch's notes), so the log normalises it once, not 200,000 times."""
    reason = migration_reason(batch_id)
    drafts = [
        EventDraft(
            event_type=EventType.RECORD_MIGRATED,
            subject_type=subject_type,
            subject_id=str(pk),
            actor=actor,
            role=role,
            division_code=division,
            new=new,
            reason=reason,
        )
        for pk, division in zip(object_ids, divisions, strict=True)
    ]
    return append_events(drafts)
