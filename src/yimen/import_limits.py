"""Bounded imports: a file is measured before it is read, and read only up to the caps.

A 1 MB .xlsx can unpack to hundreds of megabytes (a "zip bomb"): openpyxl would parse all of
it, and its worksheet dimension ("A1:XFD1048576") can make it pad every row to 16,384 cells or
yield a million empty rows. So, before openpyxl sees an .xlsx, every zip member's declared
size and compression ratio are checked and each member is inflated in chunks, counting, up to
the cap (a header can lie about the size); the sheet's declared dimension is ignored; and rows
and columns are counted while streaming, stopping at the cap. CSV is refused above the file
cap before it is decoded, Parquet above the caps its footer declares, and read no further
than the row cap. The caps are the setting ``YIMEN_IMPORT_LIMITS``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid

CHUNK = 1 << 20
MAX_MEMBERS = 10_000  # an .xlsx of one sheet has about a dozen
RATIO_FLOOR = 1 << 20  # small members (styles, an empty sheet) may compress very well


@dataclass(frozen=True)
class ImportLimits:
    max_file_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int


def import_limits() -> ImportLimits:
    """The caps in force (settings.YIMEN_IMPORT_LIMITS)."""
    return ImportLimits(**settings.YIMEN_IMPORT_LIMITS)


class ImportTooLarge(Invalid):
    """A file over one of the import caps: refused before it is read whole."""

    code = "import.too_large"


def _megabytes(n: int) -> str:
    return f"{n / 2**20:.0f}"


def too_big_file(name: str, limits: ImportLimits) -> ImportTooLarge:
    return ImportTooLarge(
        _("File “%(name)s” is larger than %(mb)s MB, the most an import accepts."),
        name=name,
        mb=_megabytes(limits.max_file_bytes),
    )


def too_big_unpacked(name: str, limits: ImportLimits) -> ImportTooLarge:
    return ImportTooLarge(
        _(
            "File “%(name)s” unpacks to more than %(mb)s MB or is compressed more than "
            "%(ratio)s times: refused as a possible zip bomb."
        ),
        name=name,
        mb=_megabytes(limits.max_unpacked_bytes),
        ratio=limits.max_ratio,
    )


def read_bounded(path: Path, limits: ImportLimits | None = None) -> bytes:
    """The file's bytes, refused above the file cap without reading more than the cap."""
    limits = limits or import_limits()
    path = Path(path)
    if path.stat().st_size > limits.max_file_bytes:
        raise too_big_file(path.name, limits)
    chunks, size = [], 0
    with path.open("rb") as handle:  # in chunks: a file growing while read, or a device
        while chunk := handle.read(CHUNK):
            size += len(chunk)
            if size > limits.max_file_bytes:
                raise too_big_file(path.name, limits)
            chunks.append(chunk)
    return b"".join(chunks)


def check_zip(data: bytes, name: str, limits: ImportLimits | None = None) -> None:
    """Refuse an .xlsx (a zip) whose members, declared or actually inflated, exceed the caps.

    Declared sizes are checked first (instant for an honest bomb); then each member is inflated
    in 1 MB chunks and counted, stopping as soon as the total passes the cap, so a lying header
    costs at most the cap in time and one chunk in memory. A file that is not a zip is left
    for the reader to refuse in its own words."""
    limits = limits or import_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise too_big_unpacked(name, limits)
        declared = 0
        for info in members:
            declared += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if declared > limits.max_unpacked_bytes or (
                info.file_size > RATIO_FLOOR and ratio > limits.max_ratio
            ):
                raise too_big_unpacked(name, limits)
        inflated = 0
        for info in members:
            member_bytes = 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(CHUNK):
                        member_bytes += len(chunk)
                        inflated += len(chunk)
                        if inflated > limits.max_unpacked_bytes or (
                            member_bytes > RATIO_FLOOR
                            and member_bytes / max(info.compress_size, 1) > limits.max_ratio
                        ):
                            raise too_big_unpacked(name, limits)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                return  # damaged: the reader refuses it as unreadable


def too_many(name: str, what: str, cap: int) -> ImportTooLarge:
    if what == "rows":
        return ImportTooLarge(
            _("File “%(name)s” has more than %(n)s data rows, the most an import accepts."),
            name=name,
            n=cap,
        )
    return ImportTooLarge(
        _("File “%(name)s” has a row of more than %(n)s columns, the most an import accepts."),
        name=name,
        n=cap,
    )


def bounded_rows(
    rows: Iterable[Sequence[Any]], name: str, limits: ImportLimits | None = None
) -> Iterator[Sequence[Any]]:
    """``rows`` (the header first), refused as soon as there is a data row past the row cap
    or a row wider than the column cap; empty rows count too (a sheet can declare a million)."""
    limits = limits or import_limits()
    for n, row in enumerate(rows):
        if n > limits.max_rows:  # n counts data rows after the header
            raise too_many(name, "rows", limits.max_rows)
        if len(row) > limits.max_columns:
            raise too_many(name, "columns", limits.max_columns)
        yield row


def xlsx_rows(
    data: bytes, name: str, limits: ImportLimits | None = None
) -> Iterator[Sequence[Any]]:
    """The first sheet's rows as values, read-only and streaming, within the caps.

    Raises ImportTooLarge for a file over a cap; openpyxl's own errors for one it cannot read."""
    import openpyxl

    limits = limits or import_limits()
    check_zip(data, name, limits)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    # the declared dimension may lie both ways: too large pads every row, too small drops rows
    sheet.reset_dimensions()
    return bounded_rows(sheet.iter_rows(values_only=True), name, limits)


def parquet_frame(data: bytes, name: str, limits: ImportLimits | None = None):
    """A Parquet file as a Polars frame, refused above the caps its footer declares and read no
    further than the row cap (the footer may understate)."""
    import polars as pl
    import pyarrow.parquet as pq

    limits = limits or import_limits()
    meta = pq.ParquetFile(io.BytesIO(data)).metadata
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if meta.num_columns > limits.max_columns:
        raise too_many(name, "columns", limits.max_columns)
    if meta.num_rows > limits.max_rows:
        raise too_many(name, "rows", limits.max_rows)
    if unpacked > limits.max_unpacked_bytes:
        raise too_big_unpacked(name, limits)
    frame = pl.read_parquet(io.BytesIO(data), n_rows=limits.max_rows + 1)
    if frame.height > limits.max_rows:
        raise too_many(name, "rows", limits.max_rows)
    return frame
