"""Inserting many rows without model instances: COPY on PostgreSQL, executemany on SQLite.

Batch paths (a verification run, a bulk decision) write tens of thousands of rows in one
transaction. ``bulk_create`` builds a model instance per row and prepares every value of
every field in Python, which costs more than the database's own work; here the caller
hands values already in database form and each column kind is adapted once:

* integers, text, booleans and None as they are; decimals as ``Decimal`` or text;
* JSON columns as JSON *text* (already encoded);
* datetimes aware (adapted per distinct value: a batch mostly shares one ``now``).

``insert_rows`` takes Python row tuples; ``insert_frame`` takes a Polars frame whose
columns are the model's attribute names (PostgreSQL receives it as one CSV stream)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl
from django.db import connection, models

EXECUTEMANY_ROWS = 5000


def _table_and_columns(model: type[models.Model], names: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    columns = ", ".join(quote(fields[name].column) for name in names)
    return quote(model._meta.db_table), columns


def _datetime_positions(model: type[models.Model], names: Sequence[str]) -> list[int]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [
        i for i, name in enumerate(names) if fields[name].get_internal_type() == "DateTimeField"
    ]


def _sqlite_datetime(value: datetime | None, cache: dict) -> Any:
    # keyed by the object, not its value: hashing an aware datetime asks its time zone for
    # the offset (a few µs), and a batch hands the same ``now`` object in every row; the
    # entry keeps the object alive, so its id is not reused while the cache lives
    if value is None:
        return None
    entry = cache.get(id(value))
    if entry is None or entry[0] is not value:
        entry = cache[id(value)] = (value, connection.ops.adapt_datetimefield_value(value))
    return entry[1]


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``names``, attribute names such as
    ``case_id``) into ``model``'s table; returns how many rows were written."""
    table, columns = _table_and_columns(model, names)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model metadata)
        moments = _datetime_positions(model, names)
        cache: dict = {}
        batch: list[Sequence[Any]] = []
        for row in rows:
            if moments:
                row = list(row)
                for i in moments:
                    row[i] = _sqlite_datetime(row[i], cache)
            batch.append(row)
            if len(batch) >= EXECUTEMANY_ROWS:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def insert_frame(
    model: type[models.Model], frame: pl.DataFrame, constants: Mapping[str, Any] | None = None
) -> int:
    """Insert every row of ``frame`` (columns named by attribute, values in database form:
    JSON as text, decimals as text or numbers) plus ``constants`` (the same value in every
    row, e.g. a run id or the batch's time); returns the number of rows."""
    if frame.height == 0:
        return 0
    constants = dict(constants or {})
    names = [*frame.columns, *constants]
    if connection.vendor == "postgresql":
        literal = {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in constants.items()
        }
        full = frame.with_columns(
            pl.lit(v, dtype=pl.String if isinstance(v, str) else None).alias(k)
            for k, v in literal.items()
        )
        buffer = io.BytesIO()
        full.write_csv(buffer, include_header=False, null_value="")
        table, columns = _table_and_columns(model, names)
        # empty unquoted fields are NULL; an empty JSON/text value is written quoted
        sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write(buffer.getbuffer())
        return frame.height
    tail = tuple(constants.values())
    return insert_rows(model, names, (row + tail for row in frame.iter_rows()))
