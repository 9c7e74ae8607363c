"""Matching household members against every partner source in one set-based DuckDB pass.

The imported partner data are Parquet files (one per source and batch, see importing.py);
DuckDB reads them directly (or Apache Spark, when ``VERIFICATION_ENGINE`` is "spark":
matching_spark.py runs the same SQL over the same Parquet, issue 24). For each (source,
partner) only the newest batch (latest as-of date, then latest import) counts: a partner's
file is a snapshot that replaces the one before. The members to match come in as one Polars
table (household_id, id_number), handed to the engine as Arrow; every source's rows are
joined to it by ID number in one query, never person by person.

Two stages. ``match_members`` is the aggregation every report needs, one row per
(household, source) that matched anything:

    household_id  source  records  count  amount  months

``records`` counts every matched row; ``count``/``amount``/``months`` cover the *relevant*
rows only — those the report judges (``RELEVANT`` below: non-exempt vehicles, residential
homes, active market entities, pensions, the latest tax year, …).

``match_refs`` then lists the relevant records themselves, only for the (household, source)
pairs a report shows as a difference from the declaration (most households declare what the
records hold, so few): integers batch × 2³² + row (``ref_text`` decodes one as "batch:row"),
the row numbered as in the partner's file (first data row = 1). Gathering every household's
record list in the one aggregation made it twice the time of the plain join and group by
(docs/performance.md); unsorted integers rather than sorted text for the same reason. Both
stages must read the same batches: a run passes one ``connect()`` to both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Union

import duckdb
import polars as pl
import pyarrow as pa
from django.conf import settings
from django.db.models import Max

from yimen.assistance.choices import VehicleKind

from .models import ImportBatch
from .sources import PARQUET_TYPES, SOURCES

_DUCK_TYPES = {
    pl.String: "VARCHAR",
    pl.Date: "DATE",
    pl.Int32: "INTEGER",
}

REF_BASE = 1 << 32  # a record reference is batch_id * REF_BASE + row number

if TYPE_CHECKING:
    from .matching_spark import SparkMatcher

#: what runs a matching: an in-memory DuckDB (default) or a Spark session's views
Matcher = Union[duckdb.DuckDBPyConnection, "SparkMatcher"]


def ref_text(ref: int) -> str:
    return f"{ref // REF_BASE}:{ref % REF_BASE}"


NON_EXEMPT_VEHICLES = tuple(k.value for k in VehicleKind if not k.exempt)

# Per source: (amount expression, "relevant" condition, month expression).
RELEVANT: dict[str, tuple[str, str, str]] = {
    "household_register": ("NULL", "TRUE", "NULL"),
    "bank_deposits": ("balance", "TRUE", "NULL"),
    "securities": ("market_value", "TRUE", "NULL"),
    "vehicles": (
        "NULL",
        "vehicle_kind IN (" + ", ".join(f"'{k}'" for k in NON_EXEMPT_VEHICLES) + ")",
        "NULL",
    ),
    "real_estate": ("area_m2", "kind = 'residential'", "NULL"),
    "market_entities": ("NULL", "status = 'active'", "NULL"),
    "social_insurance": ("amount", "kind = 'pension'", "month"),
    "housing_fund": ("amount", "TRUE", "month"),
    # the latest tax year in the source's current batches
    "tax": ("taxable_income", "year = (SELECT max(year) FROM src_tax)", "NULL"),
}
assert set(RELEVANT) == set(SOURCES)


def _duck_type(kind) -> str:
    if isinstance(kind, pl.Decimal):
        return f"DECIMAL({kind.precision}, {kind.scale})"
    return _DUCK_TYPES[kind]


def current_batches(sources: Iterable[str] = SOURCES) -> dict[str, list[ImportBatch]]:
    """The batches in force per source: for each (source, partner) the newest one."""
    out: dict[str, list[ImportBatch]] = {code: [] for code in sources}
    newest = (
        ImportBatch.objects.filter(source__in=list(out))
        .values("source", "partner")
        .annotate(as_of=Max("as_of"))
    )
    wanted = {(r["source"], r["partner"], r["as_of"]) for r in newest}
    seen: set[tuple[str, str]] = set()
    for batch in ImportBatch.objects.filter(source__in=list(out)).order_by(
        "source", "partner", "-as_of", "-imported_at", "-id"
    ):
        key = (batch.source, batch.partner)
        if (batch.source, batch.partner, batch.as_of) in wanted and key not in seen:
            seen.add(key)
            out[batch.source].append(batch)
    return out


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_view(code: str, batches: list[ImportBatch]) -> str:
    """SELECT of a source's current rows with batch_id and row_no (empty when none)."""
    columns = SOURCES[code].columns
    names = ", ".join(c.name for c in columns)
    if not batches:
        typed = ", ".join(
            f"CAST(NULL AS {_duck_type(PARQUET_TYPES[c.kind])}) AS {c.name}" for c in columns
        )
        return f"SELECT {typed}, CAST(NULL AS BIGINT) AS batch_id, 0 AS row_no WHERE FALSE"
    parts = [
        f"SELECT {names}, CAST({b.pk} AS BIGINT) AS batch_id, file_row_number + 1 AS row_no "  # noqa: S608
        f"FROM read_parquet({_quote(str(b.full_path))}, file_row_number = true)"
        for b in batches
    ]
    return " UNION ALL ".join(parts)


def connect(batches: dict[str, list[ImportBatch]] | None = None) -> Matcher:
    """The engine the settings choose (``VERIFICATION_ENGINE``: "duckdb", the default, or
    "spark", issue 24), with one view per source (``src_<code>``) over its current Parquet."""
    batches = batches if batches is not None else current_batches()
    if getattr(settings, "VERIFICATION_ENGINE", "duckdb") == "spark":
        from .matching_spark import SparkMatcher  # pyspark loads only when chosen

        return SparkMatcher(batches)
    return duckdb_connect(batches)


def duckdb_connect(batches: dict[str, list[ImportBatch]]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per source (``src_<code>``) over its Parquet."""
    con = duckdb.connect(":memory:")
    for code in SOURCES:
        con.execute(f"CREATE VIEW src_{code} AS {_source_view(code, batches.get(code, []))}")
    return con


def _aggregates(amount: str, relevant: str, month: str) -> str:
    """A source's aggregates over its matched rows; the filters and the distinct months
    only where the source has them (a DISTINCT aggregate costs even over NULLs)."""
    where = "" if relevant == "TRUE" else f" FILTER (WHERE {relevant})"
    total = "0" if amount == "NULL" else f"coalesce(sum({amount}){where}, 0)"
    months = "0" if month == "NULL" else f"count(DISTINCT {month}){where}"
    return (
        f"count(*) AS records, count(*){where} AS count, "
        f"CAST({total} AS DECIMAL(18, 2)) AS amount, {months} AS months"
    )


def match_sql(members_table: str = "members") -> str:
    """The one query: every source joined to the members by ID number and aggregated per
    household — grouped source by source on the household id, as a hand-written query
    would be, and the sources' rows put together after."""
    return " UNION ALL ".join(
        f"SELECT m.household_id, '{code}' AS source, {_aggregates(*spec)} "  # noqa: S608
        f"FROM {members_table} m JOIN src_{code} s ON s.id_number = m.id_number "
        "GROUP BY m.household_id"
        for code, spec in RELEVANT.items()
    )


def refs_sql(
    sources: Iterable[str], members_table: str = "ref_members", list_function: str = "list"
) -> str:
    """The relevant records of ``sources`` per household, as reference integers
    (``list_function``: DuckDB's ``list``, Spark's ``collect_list``; the rest of both
    queries is the same SQL on either engine)."""
    selects = [
        f"SELECT m.household_id, '{code}' AS source, "  # noqa: S608
        f"{list_function}(s.batch_id * {REF_BASE} + s.row_no) AS refs "
        f"FROM {members_table} m JOIN src_{code} s ON s.id_number = m.id_number "
        f"WHERE {RELEVANT[code][1]} GROUP BY m.household_id"
        for code in sources
    ]
    return " UNION ALL ".join(selects)


def _inbound(members: pl.DataFrame) -> pa.Table:
    return members.select(
        pl.col("household_id").cast(pl.Int64), pl.col("id_number").cast(pl.String)
    ).to_arrow()


def match_members(members: pl.DataFrame, con: Matcher | None = None) -> pl.DataFrame:
    """Aggregate every source's records per household for ``members``
    (columns household_id Int64, id_number String), in one query.

    The members go in and the result comes out as Arrow tables in memory (DuckDB scans the
    registered table and hands its result over without a copy through files)."""
    con = con if con is not None else connect()
    if isinstance(con, duckdb.DuckDBPyConnection):
        con.register("members", _inbound(members))
        try:
            frame = pl.from_arrow(con.sql(match_sql()).to_arrow_table())
        finally:
            con.unregister("members")
    else:
        frame = con.query({"members": _inbound(members)}, match_sql())
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        pl.col("records").cast(pl.Int64),
        pl.col("count").cast(pl.Int64),
        pl.col("months").cast(pl.Int64),
        pl.col("amount").cast(pl.Decimal(18, 2)),
    )


REFS_SCHEMA = {"household_id": pl.Int64, "source": pl.String, "refs": pl.List(pl.Int64)}


def match_refs(
    members: pl.DataFrame, pairs: pl.DataFrame, con: Matcher | None = None
) -> pl.DataFrame:
    """The relevant records (reference integers, unsorted) of each (household_id, source)
    of ``pairs`` that has any, for ``members`` (as ``match_members`` takes them); one
    DuckDB query over the sources named in ``pairs``, joined to those households' members
    only. Pass the ``con`` the aggregation used, so both read the same batches."""
    sources = [code for code in RELEVANT if code in set(pairs["source"].to_list())]
    if not sources:
        return pl.DataFrame(schema=REFS_SCHEMA)
    con = con if con is not None else connect()
    wanted = members.join(pairs.select("household_id").unique(), on="household_id", how="semi")
    if isinstance(con, duckdb.DuckDBPyConnection):
        con.register("ref_members", _inbound(wanted))
        try:
            found = pl.from_arrow(con.sql(refs_sql(sources)).to_arrow_table())
        finally:
            con.unregister("ref_members")
    else:
        found = con.query(
            {"ref_members": _inbound(wanted)}, refs_sql(sources, list_function="collect_list")
        )
    assert isinstance(found, pl.DataFrame)
    return found.cast(REFS_SCHEMA).join(  # type: ignore[arg-type]
        pairs.select(pl.col("household_id").cast(pl.Int64), pl.col("source").cast(pl.String)),
        on=["household_id", "source"],
        how="semi",
    )
