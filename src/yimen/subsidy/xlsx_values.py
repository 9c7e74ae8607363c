"""The values of an .xlsx sheet, streamed row by row with the standard library's expat
parser, within the kernel's import caps.

Why not openpyxl here: its read-only reader builds a cell object, looks up a style and
converts a type for every cell; on a survey sheet of 50,000 rows × 10 cells that was most
of the import (bench/subsidy_survey.py: 44.6 s against 9.6 s for this reader, same file,
same loaded machine). A survey sheet needs only the values: text (shared, inline or a
formula's cached text), numbers and booleans. The safety of ``import_limits.xlsx_rows``
is kept: the archive is measured first (``check_zip``: declared and inflated sizes,
compression ratio), rows stream one at a time (each element cleared once read), a row
number past the row cap or a column past the column cap is refused at once, and the
sheet's declared dimension is never used. Row numbers are the sheet's own (``r``), so a
refusal names the row Excel shows.

XML attacks: a workbook part never has a document type, so a part that declares one (the
vehicle of entity expansion and external entities) is refused before it is parsed; expat
(2.4.1 and later, bundled with Python 3.11) also limits entity amplification itself."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import iterparse

from yimen.import_limits import ImportLimits, check_zip, import_limits, too_many

RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    """An element's name without its namespace (transitional and strict OOXML alike)."""
    return tag.rpartition("}")[2]


@lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """``AB`` → 27 (zero-based column of a cell reference's letters); -1 if not letters."""
    index = 0
    for char in letters:
        if not "A" <= char <= "Z":
            return -1
        index = index * 26 + ord(char) - 64
    return index - 1


HEAD_BYTES = 1 << 16


def _part(archive: zipfile.ZipFile, path: str):
    """An archive member to parse, refused if it declares a document type or entities."""
    with archive.open(path) as handle:
        head = handle.read(HEAD_BYTES)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ValueError(f"{path}: a document type in a workbook part")
    return archive.open(path)


def _parse(handle):
    return iterparse(handle)  # noqa: S314 (no DTD can reach it: see _part and the module)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The archive path of the workbook's first sheet, through the workbook's relations."""
    rel_id = ""
    with _part(archive, "xl/workbook.xml") as handle:
        for _event, element in _parse(handle):
            if _local(element.tag) == "sheet":
                rel_id = element.get(REL_ID, "")
                break
    with _part(archive, "xl/_rels/workbook.xml.rels") as handle:
        for _event, element in _parse(handle):
            if element.tag == RELATIONSHIPS and element.get("Id") == rel_id:
                target = element.get("Target", "")
                return (
                    target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                )
    raise KeyError("first sheet")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared strings, each the text of its runs (phonetic guides left out)."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    with _part(archive, "xl/sharedStrings.xml") as handle:
        for _event, element in _parse(handle):
            if _local(element.tag) != "si":
                continue
            parts = []
            for child in element:
                name = _local(child.tag)
                if name == "t":
                    parts.append(child.text or "")
                elif name == "r":
                    parts += [t.text or "" for t in child if _local(t.tag) == "t"]
            strings.append("".join(parts))
            element.clear()
    return strings


def _number(text: str) -> int | float:
    """A numeric cell as openpyxl gives it: an int when written without a point or exponent."""
    try:
        return int(text)
    except ValueError:
        return float(text)


TRANSITIONAL = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


class _Tags:
    """The sheet's element names in its namespace, compared as whole strings (the hot loop
    runs once per cell: no splitting of names there)."""

    def __init__(self, namespace: str):
        ns = "{" + namespace + "}"
        self.row, self.c, self.v, self.inline, self.t = (
            ns + "row",
            ns + "c",
            ns + "v",
            ns + "is",
            ns + "t",
        )


def _value(cell, shared: list[str], tags: _Tags) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(tags.inline)
        return "" if inline is None else "".join(t.text or "" for t in inline.iter(tags.t))
    found = cell.find(tags.v)
    raw = None if found is None else found.text
    if raw is None:
        return None
    if kind == "s":
        return shared[int(raw)]
    if kind == "b":
        return raw == "1"
    if kind in ("str", "e", "d"):
        return raw
    return _number(raw)


def xlsx_values(
    data: bytes, name: str, limits: ImportLimits | None = None
) -> Iterator[tuple[int, list[Any]]]:
    """(row number, the row's values) of the first sheet's non-empty rows, in order.

    Raises ImportTooLarge for a file over a cap; KeyError, ValueError, zipfile.BadZipFile
    or an XML ParseError for one that is not a readable workbook (the caller refuses it)."""
    limits = limits or import_limits()
    check_zip(data, name, limits)
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = _shared_strings(archive)
    path = _first_sheet_path(archive)
    with archive.open(path) as handle:
        head = handle.read(HEAD_BYTES)
    tags = _Tags(STRICT if STRICT.encode() in head else TRANSITIONAL)
    with _part(archive, path) as handle:
        row_number = 0
        for _event, element in _parse(handle):
            if element.tag != tags.row:
                continue
            row_number = int(element.get("r") or row_number + 1)
            if row_number > limits.max_rows + 1:  # the header, then the capped data rows
                raise too_many(name, "rows", limits.max_rows)
            values: list[Any] = []
            for cell in element:
                if cell.tag != tags.c:
                    continue
                reference = cell.get("r")
                if reference:
                    letters = reference.rstrip("0123456789")
                    column = _column_index(letters)
                    if reference[len(letters) :] != str(row_number):  # a cell of another row
                        raise ValueError(reference)
                else:
                    column = len(values)
                if column >= limits.max_columns or column < 0:
                    raise too_many(name, "columns", limits.max_columns)
                if column > len(values):
                    values += [None] * (column - len(values))
                value = _value(cell, shared, tags)
                if column < len(values):
                    values[column] = value
                else:
                    values.append(value)
            element.clear()
            if any(v is not None for v in values):
                yield row_number, values
