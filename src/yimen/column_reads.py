"""Query results as Arrow columns, through ADBC: a driver that hands over columns, not rows.

Why: a batch over a whole roster reads a million rows. Python's DB-API drivers (sqlite3,
psycopg) build a tuple and a Python object for every value, which on SQLite was half of
the roster recalculation (≈ 3 s of CPU for two million rows); the ADBC drivers fill Arrow
columns in C, and Polars and NumPy take those without a copy per value.

The price is a second connection to the same database, next to Django's:

* it sees what is committed, not the caller's open transaction — so ``column_reads``
  yields ``None`` inside an atomic block (a confirmation that must see its own writes, a
  test inside a transaction), and the caller reads through Django's connection instead;
* its reads share one snapshot: one read-only transaction (REPEATABLE READ on PostgreSQL;
  on SQLite a read transaction of the WAL), rolled back at the end;
* the setting ``COLUMN_READS`` (environment ``YIMEN_COLUMN_READS=off``) turns it off (the
  caller's row-wise path then runs), for a deployment whose database cannot take a second
  connection (a transaction-mode pooler with per-connection state, say).

SQL is written with ``%s`` placeholders, as for Django's cursor."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import quote

import pyarrow as pa
from django.conf import settings
from django.db import connections

# SQLite infers each column's type from the first batch of rows: a whole batch of NULLs
# would be taken for integers and a later text refused. Queries read here never hand back
# NULL in a column whose type matters (COALESCE); the batch is large so a batch is cheap.
SQLITE_BATCH_ROWS = 100_000

ArrowRead = Callable[[str, list], pa.Table]


def _placeholders(sql: str, vendor: str) -> str:
    """``%s`` → ``?`` (SQLite) or ``$1, $2, …`` (PostgreSQL); ``%%`` → ``%``."""
    if vendor == "sqlite":
        return sql.replace("%s", "?").replace("%%", "%")
    numbers = iter(range(1, sql.count("%s") + 1))
    return re.sub(r"%s", lambda _: f"${next(numbers)}", sql).replace("%%", "%")


def _libpq_value(value: Any) -> str:
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _postgres_conninfo(settings: dict) -> str:
    """libpq keyword/value connection string of Django's database settings."""
    keywords = {
        "dbname": settings.get("NAME"),
        "user": settings.get("USER"),
        "password": settings.get("PASSWORD"),
        "host": settings.get("HOST"),
        "port": settings.get("PORT"),
    }
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options", "application_name"):
        if key in settings.get("OPTIONS", {}):
            keywords[key] = settings["OPTIONS"][key]
    return " ".join(f"{k}={_libpq_value(v)}" for k, v in keywords.items() if v not in (None, ""))


def _connect(using: str, postgres_settings: dict[str, str]):
    """A new ADBC connection to Django's database ``using``, in a read-only transaction
    (with ``postgres_settings`` set for it on PostgreSQL), or None for a database ADBC
    cannot reach here (an in-memory SQLite database)."""
    connection = connections[using]
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        import adbc_driver_sqlite.dbapi

        # read-only: a mistaken write fails here, and a missing file is never created
        return adbc_driver_sqlite.dbapi.connect(f"file:{quote(name)}?mode=ro")
    if connection.vendor == "postgresql":
        import adbc_driver_postgresql.dbapi

        adbc = adbc_driver_postgresql.dbapi.connect(_postgres_conninfo(settings))
        with adbc.cursor() as cursor:  # the driver's first statement opens the transaction
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            for name, value in postgres_settings.items():  # for this transaction only
                cursor.execute("SELECT set_config($1, $2, true)", [name, value])
                cursor.fetchall()
        return adbc
    return None


@contextmanager
def column_reads(
    using: str = "default", *, postgres_settings: dict[str, str] | None = None
) -> Iterator[ArrowRead | None]:
    """A function ``read(sql, params) -> pyarrow.Table`` over one snapshot of the database,
    or None where the caller must read through Django's connection (see the module).
    ``postgres_settings`` (such as ``work_mem``) hold for the reads' transaction only."""
    if not settings.COLUMN_READS or connections[using].in_atomic_block:
        yield None
        return
    adbc = _connect(using, postgres_settings or {})
    if adbc is None:
        yield None
        return
    vendor = connections[using].vendor

    def read(sql: str, params: list) -> pa.Table:
        with adbc.cursor() as cursor:
            if vendor == "sqlite":
                cursor.adbc_statement.set_options(
                    **{"adbc.sqlite.query.batch_rows": str(SQLITE_BATCH_ROWS)}
                )
            cursor.execute(_placeholders(sql, vendor), params or None)
            return cursor.fetch_arrow_table()

    try:
        yield read
    finally:
        with suppress(Exception):  # read-only: nothing to keep, only to release
            adbc.rollback()
        adbc.close()
