"""Plain SQL reads into Polars frames, for the roster's batches (``benefits.frames``):
rows fetched in chunks (a server-side cursor on PostgreSQL), built column-wise, with dates,
money and flags turned into numbers by the database so that no Python value is made per
row where it can be avoided."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from django.db import connection, transaction

from yimen.column_reads import ArrowRead

CHUNK_ROWS = 100_000
WORK_MEM = "256MB"  # PostgreSQL, for the batch's own transaction only
I64, STR = pl.Int64, pl.String


def table_name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@contextmanager
def without_gc() -> Iterator[None]:
    """Fetching millions of rows creates millions of tuples, and each few hundred set off
    the cyclic garbage collector, which walks every one still alive (about a second per
    million households). The rows hold no cycles; collection waits until the read ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def fetch_chunks(sql: str, params: list) -> Iterator[Iterator[list[tuple]]]:
    """The rows of ``sql`` in chunks of ``CHUNK_ROWS``. On PostgreSQL a server-side cursor
    in binary format, inside a transaction (one snapshot for all the batch's reads): a
    FETCH per chunk, bytea as bytes without hex. COPY … TO STDOUT was slower here: psycopg
    hands its output back one row per call. On SQLite a plain cursor."""
    with without_gc():
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            name = f"yimen_roster_{uuid.uuid4().hex[:12]}"
            with transaction.atomic(), connection.connection.cursor(name, binary=True) as cursor:
                # the roster's join hashes a million rows: in memory, not in 16 batches on
                # disk as the default 4 MB allows (5.2 s → see docs/performance.md)
                connection.connection.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
                cursor.execute(sql, params)
                yield iter(lambda: cursor.fetchmany(CHUNK_ROWS), [])
            return
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            yield iter(lambda: cursor.fetchmany(CHUNK_ROWS), [])


def read_frame(
    sql: str, params: list, schema: dict[str, type[pl.DataType]], read: ArrowRead | None = None
) -> pl.DataFrame:
    """Run ``sql`` and return its rows as a frame of ``schema`` (integers, floats and text
    only: the queries hand back dates as day numbers or text, money as fen or floats and
    flags as 0/1): through the column reader ``read`` if given, else built chunk by chunk
    from Django's cursor so the rows are never all Python values at once."""
    if read is not None:
        table = read(sql, params)
        if table.num_rows == 0:  # an empty result's column types are only guessed
            return pl.DataFrame(schema=schema)
        frame = pl.from_arrow(table.rename_columns(list(schema)))
        assert isinstance(frame, pl.DataFrame)
        return frame.cast(schema)  # type: ignore[arg-type]
    with fetch_chunks(sql, params) as chunks:
        parts = [pl.DataFrame(rows, schema=schema, orient="row") for rows in chunks]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def days_sql(column: str) -> str:
    """SQL for a date column as days since 1970-01-01 (no per-value date objects)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def fen_sql(expression: str) -> str:
    return f"CAST(ROUND(({expression}) * 100) AS BIGINT)"


def flag_sql(column: str) -> str:
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"


def finding_sql(column: str) -> str:
    """A yes/no finding that may be missing (NULL: the rules decide)."""
    return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 1 ELSE 0 END"


def from_days(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int32).cast(pl.Date).alias(column)


def roster_scan(model) -> str:
    """The roster table, aliased ``b``. On SQLite it is scanned in id order rather than
    through the division index: a batch reads most of an area, and the index's random
    lookups of each row took 3.3 s for a million households where the scan takes 2.0 s."""
    table = table_name(model)
    return f"{table} b NOT INDEXED" if connection.vendor == "sqlite" else f"{table} b"
