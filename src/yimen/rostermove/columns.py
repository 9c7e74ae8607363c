"""Which column of the old system's sheet holds which field: the mapping.

Each field has the headers provincial sheets use for it (the first is the one our own
template and downloads write); a batch may override any of them with a mapping
``{field: header}``. Headers are compared without spaces and with full-width brackets
made half-width, since the same sheet comes typed both ways."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from .errors import BadMapping, MissingColumns


@dataclass(frozen=True)
class Field:
    key: str
    label: Promise  # the field's name in the user's language
    headers: tuple[str, ...]  # accepted headers, the default first
    required: bool = True  # the column must be in the sheet (values checked per row)
    max_length: int = 0  # 0: no limit of its own (checked by the kind)


def normalise_header(text: str) -> str:
    table = str.maketrans({"（": "(", "）": ")", "　": "", " ": "", "\n": "", "\t": ""})
    return (text or "").translate(table).strip()


def parse_mapping(raw: Mapping[str, str] | None, fields: Sequence[Field]) -> dict[str, str]:
    """A user's mapping checked against the kind's fields (unknown fields refused)."""
    if not raw:
        return {}
    if not isinstance(raw, Mapping):
        raise BadMapping(detail="not an object")
    known = {f.key for f in fields}
    mapping: dict[str, str] = {}
    for key, header in raw.items():
        if key not in known:
            raise BadMapping(detail=f"unknown field {str(key)[:40]}")
        if not isinstance(header, str) or not header.strip() or len(header) > 100:
            raise BadMapping(detail=f"header of {key}")
        mapping[key] = header.strip()
    return mapping


def locate(
    header_row: Sequence[str], fields: Sequence[Field], mapping: Mapping[str, str]
) -> dict[str, tuple[int, str]]:
    """field → (column index, header as written) for the fields found; a required field's
    column missing refuses the sheet, naming every missing header."""
    positions = {normalise_header(h): i for i, h in reversed(list(enumerate(header_row))) if h}
    found: dict[str, tuple[int, str]] = {}
    missing: list[str] = []
    for field in fields:
        wanted = (mapping[field.key],) if field.key in mapping else field.headers
        index = next((positions[n] for n in map(normalise_header, wanted) if n in positions), None)
        if index is not None:
            found[field.key] = (index, header_row[index])
        elif field.required:
            missing.append(wanted[0])
    if missing:
        raise MissingColumns(columns="、".join(missing))
    return found


def default_mapping(fields: Sequence[Field]) -> dict[str, str]:
    return {f.key: f.headers[0] for f in fields}
