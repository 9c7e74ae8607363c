"""Loading a division file (data/divisions.csv or one of the same format) into the database.

Set-based and idempotent: one query reads what is there, the tree (parent, prefix, full
name) is worked out in memory, and only new or changed rows are written, in batches,
parents before children. Loading the same file twice writes nothing the second time.

Rows already in the database but absent from the file (added with `division_add`, or
from an older edition) are kept: roles and cases point at them. They are re-hung and
renamed in full if the file changes their ancestors.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yimen.import_limits import import_limits, too_big_file, too_many

from .codes import InvalidCode, ancestor_codes, level_of, normalize_code, prefix_of
from .errors import DivisionFileError
from .models import Division
from .naming import full_name_below

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "divisions.csv"
BATCH_SIZE = 1000
NAME_MAX_LENGTH = Division._meta.get_field("name").max_length
FIELDS = ("name", "level", "parent_id", "prefix", "full_name")


@dataclass(frozen=True)
class LoadResult:
    """Counts of one load, for the operator and for tests."""

    in_file: int
    created: int
    updated: int
    unchanged: int
    kept: int  # rows in the database that the file does not list


def read_division_file(path: Path | str) -> dict[str, str]:
    """Code → name from a division file: `#` comment lines, a ``code,name`` header, rows.

    Every row is checked before anything is written, so a bad file loads nothing; a file
    over the import caps (settings.YIMEN_IMPORT_LIMITS) is refused before it is read whole."""
    limits = import_limits()
    if Path(path).stat().st_size > limits.max_file_bytes:
        raise DivisionFileError(too_big_file(Path(path).name, limits).render())
    numbered = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                numbered.append((number, line))
                if len(numbered) > limits.max_rows + 1:  # the header and the data rows
                    raise DivisionFileError(
                        too_many(Path(path).name, "rows", limits.max_rows).render()
                    )
    if not numbered:
        raise DivisionFileError(f"{path}: no rows")
    reader = csv.reader(line for _, line in numbered)
    header = [column.strip().lower() for column in next(reader)]
    if "code" not in header or "name" not in header:
        raise DivisionFileError(f"{path}:{numbered[0][0]}: the header must name code and name")
    code_at, name_at = header.index("code"), header.index("name")
    rows: dict[str, str] = {}
    for (number, _), values in zip(numbered[1:], reader, strict=True):
        where = f"{path}:{number}"
        try:
            code = normalize_code(values[code_at])
            name = values[name_at].strip()
        except (IndexError, InvalidCode):
            raise DivisionFileError(f"{where}: not a division code and name") from None
        if not name or len(name) > NAME_MAX_LENGTH:
            raise DivisionFileError(f"{where}: a name of 1 to {NAME_MAX_LENGTH} characters")
        if code in rows:
            raise DivisionFileError(f"{where}: {code} is listed twice")
        rows[code] = name
    return rows


def plan_tree(names: dict[str, str]) -> dict[str, tuple]:
    """The stored fields (see FIELDS) of every division in ``names``, computed in memory.

    Each division hangs from its nearest ancestor present in ``names``: a village whose
    township is missing hangs from the county rather than being dropped."""
    planned: dict[str, tuple] = {}
    for code in sorted(names):  # an ancestor's code sorts before its descendants'
        parent = next((a for a in reversed(ancestor_codes(code)) if a in names), None)
        full_name = full_name_below(
            names[parent] if parent else None,
            planned[parent][4] if parent else None,
            names[code],
        )
        planned[code] = (names[code], int(level_of(code)), parent, prefix_of(code), full_name)
    return planned


@transaction.atomic
def divisions_load(*, rows: dict[str, str]) -> LoadResult:
    """Upsert ``rows`` (code → name) into the tree; returns what changed.

    A bulk reference-data load run by an operator from the command line, not a user's
    action, so it writes no per-row audit events (16,000 of them would drown the log)."""
    existing = {
        code: (name, level, parent, prefix, full_name)
        for code, name, level, parent, prefix, full_name in Division.objects.values_list(
            "code", *FIELDS
        )
    }
    names = {code: values[0] for code, values in existing.items()}
    names.update(rows)
    planned = plan_tree(names)
    to_create = [code for code in planned if code not in existing]
    to_update = [code for code in existing if planned[code] != existing[code]]
    changed = set(to_update)

    def build(code: str) -> Division:
        return Division(code=code, **dict(zip(FIELDS, planned[code], strict=True)))

    # parents before children, so the foreign keys hold at every statement
    to_create.sort(key=lambda code: (planned[code][1], code))
    Division.objects.bulk_create([build(c) for c in to_create], batch_size=BATCH_SIZE)
    Division.objects.bulk_update(
        [build(c) for c in to_update],
        ["name", "level", "parent", "prefix", "full_name"],
        batch_size=BATCH_SIZE,
    )
    return LoadResult(
        in_file=len(rows),
        created=len(to_create),
        updated=len(to_update),
        unchanged=sum(1 for code in rows if code in existing and code not in changed),
        kept=sum(1 for code in existing if code not in rows),
    )
