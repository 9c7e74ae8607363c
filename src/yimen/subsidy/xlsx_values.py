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

The sheet and its shared strings are read with expat's callbacks directly (no element
objects at all: a cell is a few events and string compares): the same rows as
ElementTree's iterparse for 15 % less CPU on the bench's sheet (2.1 → 1.8 s CPU for 50,000
rows; bench/subsidy_survey.py).

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
from xml.parsers import expat

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


CHUNK = 1 << 16


def _refuse_doctype(*_args) -> None:
    raise ValueError("a document type in a workbook part")


def _expat(start, end, text):
    """An expat parser naming elements ``namespace}local``, refusing any document type or
    entity declaration (besides ``_part``'s look at the head), with the three handlers."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    return parser


def _feed(parser, handle) -> Iterator[None]:
    """Feed the part chunk by chunk, pausing after each for the caller to take what the
    handlers collected (memory stays one chunk's rows, however long the sheet)."""
    while chunk := handle.read(CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared strings, each the text of its runs (phonetic guides left out)."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"phonetic": 0, "text": False}

    def start(name: str, _attrs) -> None:
        local = name.rpartition("}")[2]
        if local == "si":
            parts.clear()
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            state["text"] = True

    def end(name: str) -> None:
        local = name.rpartition("}")[2]
        if local == "t":
            state["text"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            strings.append("".join(parts))

    def text(data: str) -> None:
        if state["text"]:
            parts.append(data)

    with _part(archive, "xl/sharedStrings.xml") as handle:
        for _ in _feed(_expat(start, end, text), handle):
            pass
    return strings


def _number(text: str) -> int | float:
    """A numeric cell as openpyxl gives it: an int when written without a point or exponent."""
    try:
        return int(text)
    except ValueError:
        return float(text)


TRANSITIONAL = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


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
    namespace = STRICT if STRICT.encode() in head else TRANSITIONAL
    reader = _SheetReader(namespace, shared, limits, name)
    with _part(archive, path) as handle:
        for _ in _feed(reader.parser, handle):
            yield from reader.rows
            reader.rows.clear()


class _SheetReader:
    """expat's handlers over a sheet: each non-empty row as (its number, its values)."""

    def __init__(self, namespace: str, shared: list[str], limits: ImportLimits, name: str):
        ns = namespace + "}"
        self.row_tag, self.c_tag, self.v_tag = ns + "row", ns + "c", ns + "v"
        self.is_tag, self.t_tag = ns + "is", ns + "t"
        self.shared, self.limits, self.name = shared, limits, name
        self.rows: list[tuple[int, list[Any]]] = []
        self.row_number = 0
        self.values: list[Any] = []
        self.column = 0
        self.kind = "n"
        self.parts: list[str] = []
        self.has_value = False
        self.collecting = False
        self.inline = False
        self.parser = _expat(self.start, self.end, self.text)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self.c_tag:
            self._cell(attrs)
        elif name == self.v_tag or (name == self.t_tag and self.inline):
            self.collecting = self.has_value = True
        elif name == self.is_tag:
            self.inline = self.has_value = True
        elif name == self.row_tag:
            self.row_number = int(attrs.get("r") or self.row_number + 1)
            if self.row_number > self.limits.max_rows + 1:  # the header, then the data rows
                raise too_many(self.name, "rows", self.limits.max_rows)
            self.values = []

    def _cell(self, attrs: dict[str, str]) -> None:
        reference = attrs.get("r")
        if reference:
            letters = reference.rstrip("0123456789")
            column = _column_index(letters)
            if reference[len(letters) :] != str(self.row_number):  # a cell of another row
                raise ValueError(reference)
        else:
            column = len(self.values)
        if column >= self.limits.max_columns or column < 0:
            raise too_many(self.name, "columns", self.limits.max_columns)
        self.column, self.kind = column, attrs.get("t", "n")
        self.parts = []
        self.has_value = False

    def text(self, data: str) -> None:
        if self.collecting:
            self.parts.append(data)

    def end(self, name: str) -> None:
        if name == self.c_tag:
            values, column = self.values, self.column
            if column > len(values):
                values += [None] * (column - len(values))
            value = self._value()
            if column < len(values):
                values[column] = value
            else:
                values.append(value)
        elif name == self.v_tag or name == self.t_tag:
            self.collecting = False
        elif name == self.is_tag:
            self.inline = False
        elif name == self.row_tag and any(v is not None for v in self.values):
            self.rows.append((self.row_number, self.values))

    def _value(self) -> Any:
        if not self.has_value:
            return None
        raw, kind = "".join(self.parts), self.kind
        if kind == "inlineStr":
            return raw
        if not raw:  # an empty <v/> (a formula never calculated) is an empty cell
            return None
        if kind in ("str", "e", "d"):
            return raw
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return raw == "1"
        return _number(raw)
