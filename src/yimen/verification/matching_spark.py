"""The verification matching on Apache Spark (issue 24, item 3): the same two queries as
matching.py (``match_sql``, ``refs_sql``), run by Spark SQL over the same Parquet files, so
a province whose partner data outgrow one machine runs the batch on a cluster without a
second implementation of the rules.

Chosen by ``VERIFICATION_ENGINE = "spark"`` (``YIMEN_VERIFICATION_ENGINE``); the session is
made once per process from ``SPARK_MASTER`` (``YIMEN_SPARK_MASTER``: ``local[2]`` by
default, ``spark://host:7077`` or ``yarn`` for a cluster — the Parquet paths must then be
readable by every executor, i.e. on shared storage) and ``SPARK_CONF`` (extra ``spark.*``
settings). Frames cross between Polars and Spark as Arrow tables, never row by row.

Row numbers: DuckDB numbers each file's rows (``file_row_number``); Spark reads the same
number from the Parquet reader's hidden ``_metadata.row_index`` (Spark ≥ 4.0), so a record
reference (batch × 2³² + row) is the same integer on both engines."""

from __future__ import annotations

import logging
import threading
from typing import Any

import polars as pl
import pyarrow as pa
from django.conf import settings

from .models import ImportBatch
from .sources import PARQUET_TYPES, SOURCES

_SPARK_TYPES = {pl.String: "string", pl.Date: "date", pl.Int32: "int"}
_lock = threading.Lock()
_session: Any = None


def spark_type(kind: Any) -> str:
    if isinstance(kind, pl.Decimal):
        return f"decimal({kind.precision},{kind.scale})"
    return _SPARK_TYPES[kind]


def session() -> Any:
    """The process's Spark session, made on first use (a JVM starts: seconds, once)."""
    global _session
    with _lock:
        if _session is None:
            from pyspark.sql import SparkSession

            master = getattr(settings, "SPARK_MASTER", "local[2]")
            builder = (
                SparkSession.builder.master(master)
                .appName("yimen-verification")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", "Asia/Shanghai")
                .config("spark.sql.ansi.enabled", "true")  # overflow is an error, not null
            )
            conf = dict(getattr(settings, "SPARK_CONF", {}))
            if master.startswith("local"):
                # Spark's default of 200 shuffle partitions is for clusters: on one machine
                # each of the nine joins would schedule 200 tiny tasks
                conf.setdefault("spark.sql.shuffle.partitions", "8")
            for key, value in conf.items():
                builder = builder.config(key, value)
            _session = builder.getOrCreate()
            _session.sparkContext.setLogLevel("ERROR")
            # py4j says goodbye at interpreter exit, after the log streams may be closed
            logging.getLogger("py4j").setLevel(logging.WARNING)
        return _session


def _source_frame(spark: Any, code: str, batches: list[ImportBatch]) -> Any:
    """A source's current rows with batch_id and row_no, as matching._source_view."""
    from pyspark.sql import functions as F

    columns = SOURCES[code].columns
    if not batches:
        ddl = ", ".join(f"`{c.name}` {spark_type(PARQUET_TYPES[c.kind])}" for c in columns)
        return spark.createDataFrame([], f"{ddl}, batch_id bigint, row_no bigint")
    frames = [
        spark.read.parquet(str(batch.full_path)).select(
            *[F.col(c.name) for c in columns],
            F.lit(batch.pk).cast("bigint").alias("batch_id"),
            (F.col("_metadata.row_index") + 1).cast("bigint").alias("row_no"),
        )
        for batch in batches
    ]
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame


class SparkMatcher:
    """One matching's views (``src_<code>``) in a Spark session, over the batches in force
    when it was made: both stages of a run read the same batches, as with DuckDB."""

    def __init__(self, batches: dict[str, list[ImportBatch]]) -> None:
        self.spark = session()
        self._lock = threading.Lock()  # temporary view names are per session
        for code in SOURCES:
            _source_frame(self.spark, code, batches.get(code, [])).createOrReplaceTempView(
                f"src_{code}"
            )

    def query(self, tables: dict[str, pa.Table], sql: str) -> pl.DataFrame:
        """``sql`` with ``tables`` (Arrow) registered under their names, as a Polars frame."""
        with self._lock:
            for name, table in tables.items():
                self.spark.createDataFrame(table).createOrReplaceTempView(name)
            try:
                result = self.spark.sql(sql).toArrow()
            finally:
                for name in tables:
                    self.spark.catalog.dropTempView(name)
        frame = pl.from_arrow(result)
        assert isinstance(frame, pl.DataFrame)
        return frame
