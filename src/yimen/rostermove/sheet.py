"""Reading the old system's sheet, Excel or CSV, into columns of text (one Polars frame).

Every cell becomes text as the clerk sees it (a date cell 2023-05-01, a whole number
without ".0"); the checks then work on whole columns. The file is bounded before it is
read (``yimen.import_limits``: size, zip bombs, rows, columns). Row numbers are the
spreadsheet's own (the header is row 1), empty rows skipped but counted.

A CSV is parsed by Polars in one call (a tenth of the CPU of Python's csv module and a
call per cell: 0.3 s instead of 2.9 s for 470,000 rows). Whatever that parser would read
differently from Python's — a row wider than the header, a stray quote, a bare carriage
return as line end — falls back to the csv module, so both read every file alike."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

from yimen.import_limits import (
    ImportTooLarge,
    bounded_rows,
    import_limits,
    too_big_file,
    too_many,
    xlsx_rows,
)

from .columns import Field, locate
from .errors import UnreadableSheet


@dataclass
class Sheet:
    """The mapped columns of a sheet: ``frame`` has ``row`` and one String column per field
    found; ``headers`` gives each field's header as written (for the problem list)."""

    frame: pl.DataFrame
    headers: dict[str, str]
    rows: int  # data rows with any value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    return str(value).strip()


def _csv_rows(data: bytes, name: str) -> Iterator[Sequence[Any]]:
    limits = import_limits()
    if len(data) > limits.max_file_bytes:
        raise too_big_file(name, limits)
    text = _decoded(data, name)
    return bounded_rows(csv.reader(io.StringIO(text)), name, limits)


# what Python's str.strip() strips (Unicode white space and the four separators \x1c-\x1f)
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _decoded(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableSheet(name=name)


def _csv_frame(data: bytes, name: str) -> pl.DataFrame | None:
    """The CSV's cells as text columns column_0, column_1, … (the header is the first
    row), or None where Polars would read it otherwise than ``csv.reader`` does."""
    limits = import_limits()
    if len(data) > limits.max_file_bytes:
        raise too_big_file(name, limits)
    text = _decoded(data, name)
    if text.count("\r") != text.count("\r\n"):
        return None  # a bare CR ends a line for csv.reader, not for Polars
    try:
        frame = pl.read_csv(
            text.encode(), has_header=False, infer_schema=False, raise_if_empty=False
        )
    except pl.exceptions.PolarsError:
        return None  # a ragged or oddly quoted row: the csv module decides
    if frame.height - 1 > limits.max_rows:
        raise too_many(name, "rows", limits.max_rows)
    if frame.width > limits.max_columns:
        raise too_many(name, "columns", limits.max_columns)
    return frame


def _fast_csv_sheet(
    data: bytes, name: str, fields: Sequence[Field], mapping: Mapping[str, str]
) -> Sheet | None:
    if data[:2] == b"PK" or name.lower().endswith((".xls", ".xlsx", ".xlsm", ".et")):
        return None
    if b"\x00" in data[:4096]:
        return None  # refused by the reader below, in its words
    frame = _csv_frame(data, name)
    if frame is None:
        return None
    if frame.height == 0:
        located = locate([], fields, mapping)  # refuses the missing columns
        frame = pl.DataFrame(schema={"row": pl.Int64})
        return _sheet(frame, fields, located)
    header = [_text(c) for c in frame.row(0)]
    located = locate(header, fields, mapping)
    cells = frame.slice(1).select(
        pl.int_range(2, frame.height + 1, dtype=pl.Int64).alias("row"),
        *(
            pl.col(frame.columns[index]).fill_null("").str.strip_chars(WHITESPACE).alias(key)
            for key, (index, _h) in located.items()
        ),
    )
    if located:
        cells = cells.filter(pl.any_horizontal(pl.col(key) != "" for key in located))
    else:
        cells = cells.clear()
    return _sheet(cells, fields, located)


def _sheet(
    frame: pl.DataFrame, fields: Sequence[Field], located: dict[str, tuple[int, str]]
) -> Sheet:
    """The sheet of the located columns (``frame``: row and one String column each)."""
    rows = frame.height
    for field in fields:  # optional columns not in the sheet read as empty
        if field.key not in frame.columns:
            frame = frame.with_columns(pl.lit("", pl.String).alias(field.key))
    headers = {key: h for key, (_i, h) in located.items()}
    headers.update({f.key: f.headers[0] for f in fields if f.key not in headers})
    return Sheet(frame=frame, headers=headers, rows=rows)


def raw_rows(data: bytes, name: str) -> Iterator[Sequence[Any]]:
    """The rows of an .xlsx (first sheet) or a CSV (UTF-8 or GB18030), header first."""
    if data[:2] == b"PK":
        try:
            return xlsx_rows(data, name)
        except ImportTooLarge:
            raise
        except Exception:  # openpyxl raises many kinds for a damaged or foreign file
            raise UnreadableSheet(name=name) from None
    if name.lower().endswith((".xls", ".xlsx", ".xlsm", ".et")) or b"\x00" in data[:4096]:
        raise UnreadableSheet(name=name)
    return _csv_rows(data, name)


def read_sheet(
    data: bytes, name: str, fields: Sequence[Field], mapping: Mapping[str, str]
) -> Sheet:
    """The sheet's mapped columns as text; the columns the fields do not name are ignored."""
    fast = _fast_csv_sheet(data, name, fields, mapping)
    return fast if fast is not None else streamed_sheet(data, name, fields, mapping)


def streamed_sheet(
    data: bytes, name: str, fields: Sequence[Field], mapping: Mapping[str, str]
) -> Sheet:
    """``read_sheet`` row by row (openpyxl for Excel, the csv module for CSV)."""
    try:
        rows = iter(raw_rows(data, name))
        header = [_text(c) for c in next(rows, [])]
        located = locate(header, fields, mapping)
        numbers: list[int] = []
        columns: dict[str, list[str]] = {key: [] for key in located}
        picks = [(columns[key], index) for key, (index, _h) in located.items()]
        for n, row in enumerate(rows, start=2):
            width = len(row)
            cells = [_text(row[i]) if i < width else "" for _c, i in picks]
            if not any(cells):
                continue
            numbers.append(n)
            for (column, _i), cell in zip(picks, cells, strict=True):
                column.append(cell)
    except (ImportTooLarge, UnreadableSheet):
        raise
    except Exception as exc:  # a damaged file fails while streaming, in openpyxl's words
        if getattr(exc, "code", None):
            raise
        raise UnreadableSheet(name=name) from None
    frame = pl.DataFrame(
        {"row": numbers, **columns},
        schema={"row": pl.Int64, **{k: pl.String for k in columns}},
    )
    return _sheet(frame, fields, located)
