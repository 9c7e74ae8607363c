"""The FIRMS CSV parsed column by column (Polars), for the large files: a day of a whole
province is thousands of rows, a season's archive hundreds of thousands, and checking each
cell in Python cost most of the import's time.

It accepts a file only when every row is clean under exactly the rules of
``feeds._firms_row``, and then builds the same ``FireRow`` values; at the first doubt (a
bad cell, a short row, a duplicated column, cells that are not text) it answers None and
``feeds.parse_rows`` reads the file row by row, which names every bad row with its number.
So the refusals and their messages stay those of one parser."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import polars as pl

from . import feeds

#: (column, low, high, required) of the numeric cells, as ``feeds._firms_row`` checks them
_NUMBERS = {
    "viirs": [
        ("latitude", -90, 90, True),
        ("longitude", -180, 180, True),
        ("bright_ti4", 0, 2000, False),
        ("bright_ti5", 0, 2000, False),
        ("frp", -100, 100000, False),
        ("scan", 0, 100, False),
        ("track", 0, 100, False),
    ],
    "modis": [
        ("latitude", -90, 90, True),
        ("longitude", -180, 180, True),
        ("brightness", 0, 2000, False),
        ("bright_t31", 0, 2000, False),
        ("frp", -100, 100000, False),
        ("scan", 0, 100, False),
        ("track", 0, 100, False),
    ],
}
_BRIGHTNESS = {"viirs": ("bright_ti4", "bright_ti5"), "modis": ("brightness", "bright_t31")}


def _number_ok(name: str, low: float, high: float, required: bool) -> pl.Expr:
    text = pl.col(name)
    value = text.cast(pl.Float64, strict=False)
    given = text != ""
    finite = value.is_finite() & value.is_between(low, high)
    return (given & value.is_not_null() & finite) | (~given & (not required))


def parse(rows: Sequence[Sequence[Any]], *, text: bool = False) -> feeds.Parsed | None:
    """A clean FIRMS file (header first) parsed column by column, or None: then
    ``feeds.parse_rows`` reads it row by row. ``text``: every cell is known to be a string
    (a CSV file), so they are not checked one by one."""
    if len(rows) < 2:
        return None
    header = [feeds.normalise_header(c) for c in rows[0]]
    try:
        source = feeds.detect(header)
    except feeds.FeedError:
        return None
    if source not in ("viirs", "modis"):
        return None
    found = parse_firms(source, header, rows[1:], text=text)
    return feeds.Parsed(source, found, []) if found is not None else None


def parse_firms(source: str, header: list[str], body: Sequence[Sequence[Any]], *, text=False):
    """The rows of a clean FIRMS file of ``source`` (viirs or modis), or None."""
    lowered = [h.lower() for h in header]
    if len(set(lowered)) != len(lowered) or not body:
        return None
    width = len(lowered)
    if any(len(raw) != width for raw in body):
        return None
    if not text and not all(cell.__class__ is str for cell in chain.from_iterable(body)):
        return None  # a spreadsheet's numbers and dates
    try:
        frame = pl.DataFrame(
            [list(r) for r in body],
            schema=dict.fromkeys(lowered, pl.String),
            orient="row",
        )
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        return None
    names = feeds.VIIRS_COLUMNS if source == "viirs" else feeds.MODIS_COLUMNS
    # a row blank in every column (the end of a spreadsheet) is skipped, as row by row
    blank = pl.all_horizontal([pl.col(n).str.strip_chars() == "" for n in lowered])
    frame = (
        frame.with_row_index("number", offset=2)
        .filter(~blank)
        .select(["number", *(pl.col(n).str.strip_chars() for n in names)])
    )
    clock = pl.col("acq_time").str.replace_all(":", "", literal=True)
    expected = "VIIRS" if source == "viirs" else "MODIS"
    confidence = pl.col("confidence")
    if source == "viirs":
        confidence_ok = confidence.str.to_lowercase().is_in(list(feeds.VIIRS_CONFIDENCE))
    else:
        confidence_ok = confidence.str.contains(r"^[0-9]{1,3}$") & (
            confidence.cast(pl.Int64, strict=False) <= 100
        )
    checks = [
        *(_number_ok(*spec) for spec in _NUMBERS[source]),
        pl.col("acq_date").str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        pl.col("acq_date").str.to_date("%Y-%m-%d", strict=False).is_not_null(),
        clock.str.contains(r"^[0-9]{1,4}$"),
        clock.cast(pl.Int64, strict=False) // 100 <= 23,
        clock.cast(pl.Int64, strict=False) % 100 <= 59,
        pl.col("instrument").str.to_uppercase() == expected,
        pl.col("satellite").str.len_chars().is_between(1, 30),
        confidence_ok,
        pl.col("daynight").str.to_uppercase().is_in(["", "D", "N"]),
    ]
    if frame.height == 0 or not frame.select(pl.all_horizontal(checks).all()).item():
        return None
    return _rows(source, frame)


def _rows(source: str, frame: pl.DataFrame) -> list[feeds.FireRow]:
    first, second = _BRIGHTNESS[source]
    confidence = pl.col("confidence")
    if source == "viirs":
        level = confidence.str.to_lowercase().replace_strict(feeds.VIIRS_CONFIDENCE)
    else:
        value = confidence.cast(pl.Int64)
        level = (
            pl.when(value < feeds.MODIS_LOW_BELOW)
            .then(pl.lit("low"))
            .when(value >= feeds.MODIS_HIGH_FROM)
            .then(pl.lit("high"))
            .otherwise(pl.lit("nominal"))
        )
    columns = frame.select(
        "number",
        *(
            pl.col(n).cast(pl.Float64, strict=False)
            for n in ("latitude", "longitude", first, second, "frp", "scan", "track")
        ),
        "acq_date",
        "acq_time",
        "satellite",
        pl.col("instrument").str.to_uppercase(),
        pl.col("version").str.slice(0, 20),
        "confidence",
        level.alias("level"),
        pl.col("daynight").str.to_uppercase(),
    ).get_columns()
    # a file repeats a few thousand overpass moments: each converted once
    moments = {
        pair: feeds.utc_moment(*pair)
        for pair in set(zip(columns[8].to_list(), columns[9].to_list(), strict=True))
    }
    make = feeds.FireRow
    return [
        make(
            number,
            source,
            lat,
            lon,
            moments[(day, clock)],
            True,
            satellite,
            instrument,
            version,
            raw_conf,
            level_,
            bright,
            bright_2,
            frp,
            scan,
            track,
            daynight,
        )
        for (
            number,
            lat,
            lon,
            bright,
            bright_2,
            frp,
            scan,
            track,
            day,
            clock,
            satellite,
            instrument,
            version,
            raw_conf,
            level_,
            daynight,
        ) in zip(*(c.to_list() for c in columns), strict=True)
    ]
