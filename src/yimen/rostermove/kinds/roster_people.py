"""What the database says about the households and persons of a roster sheet: which
households an earlier batch moved in, which persons are in a household on the roster or
in an open case. The dry run asks it for the whole sheet; the import asks it again for
the households the dry run kept (someone may have been enrolled meanwhile).

One statement each, for every key of the sheet at once (``moving.text_keys_sql``):
``Member.objects.filter(id_number__in=…)`` took one statement per ~10,000 numbers and
prepared every number in Python — 12 s of a profiled 20 s check of 117,000 persons."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import connection

from yimen.assistance.models import Application, Member
from yimen.benefits.models import Beneficiary, BeneficiaryStatus
from yimen.fieldcrypt.columns import blind_indexes
from yimen.workflow.models import Case
from yimen.workflow.states import CaseStatus

from ..moving import moved_batches, text_keys_sql
from ..problems import problems_where

#: the columns of a writable person's row: what the import writes, kept by the dry run
KEPT = [
    "row",
    "head_row",
    "hid",
    "head_id",
    "pid",
    "name",
    "rel",
    "kind",
    "hukou_type",
    "amount_fen",
    "start",
    "account_digits",
    "division_id",
    "address",
    "bank",
]


@dataclass(frozen=True)
class Known:
    moved: pl.DataFrame  # hid, batch: households an earlier batch moved in
    moved_heads: int  # how many of them have a head row here
    notices: pl.DataFrame  # "already moved" on those head rows
    blocking: pl.DataFrame  # persons on the roster or in an open case, by row


def against_database(
    kind: str, keys: pl.Series, people: pl.DataFrame, heads: pl.DataFrame, h: dict[str, str]
) -> Known:
    """``keys``: the households' head ID numbers; ``people``: row, hid, pid of the persons
    with a valid ID number; ``heads``: row, hid, head_id of the households' head rows."""
    moved = moved_batches(kind, keys.unique().to_list())
    moved_frame = pl.DataFrame(
        {"hid": list(moved), "batch": [str(b) for b in moved.values()]},
        schema={"hid": pl.String, "batch": pl.String},
    )
    moved_heads = heads.join(moved_frame, on="hid")
    notices = problems_where(
        moved_heads, pl.lit(True), "already_moved", h["head_id"], pl.col("head_id"), pl.col("batch")
    )
    fresh = people.join(moved_frame, on="hid", how="anti")
    return Known(moved_frame, moved_heads.height, notices, _known_people(fresh, h["id_number"]))


def with_blocking(blocking: pl.DataFrame, notices: pl.DataFrame) -> pl.DataFrame:
    """Blocking problems and notices in one list, by row."""
    return pl.concat(
        [
            blocking.with_columns(pl.lit(True).alias("blocking")),
            notices.with_columns(pl.lit(False).alias("blocking")),
        ]
    ).sort("row", maintain_order=True)


def _known_people(people: pl.DataFrame, column: str) -> pl.DataFrame:
    """Persons of the sheet already in a household on the roster (not stopped) or in an
    application whose case is open."""
    on_roster: set[str] = set()
    open_case: set[str] = set()
    for number, status, case_status in known_persons(people["pid"].unique().to_list()):
        if status is not None and status != BeneficiaryStatus.STOPPED:
            on_roster.add(number)
        elif status is None and case_status == CaseStatus.ACTIVE:
            open_case.add(number)
    found = pl.DataFrame(
        {
            "pid": [*on_roster, *(open_case - on_roster)],
            "code": ["on_roster"] * len(on_roster) + ["open_case"] * len(open_case - on_roster),
        },
        schema={"pid": pl.String, "code": pl.String},
    )
    return people.join(found, on="pid").select(
        pl.col("row"),
        pl.lit(column).alias("column"),
        pl.col("code"),
        pl.col("pid").alias("value"),
        pl.lit("").alias("detail"),
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def known_persons(numbers: list[str]) -> list[tuple[str, str | None, str | None]]:
    """(ID number, status of the household on the roster or None, status of the
    application's case or None) for every member of any application with one of
    ``numbers``."""
    if not numbers:
        return []
    # members' ID numbers are stored encrypted (fieldcrypt): compared by blind index
    number_of = dict(zip(blind_indexes("id_number", numbers), numbers, strict=True))
    condition, params = text_keys_sql("m.id_number_bidx", number_of)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id_number_bidx, b.status, c.status FROM {_table(Member)} m "  # noqa: S608 (table names from model meta; values bound)
            f"JOIN {_table(Application)} a ON a.id = m.application_id "
            f"LEFT JOIN {_table(Beneficiary)} b ON b.application_id = a.id "
            f"LEFT JOIN {_table(Case)} c ON c.id = a.case_id WHERE {condition}",
            params,
        )
        return [(number_of[index], home, case) for index, home, case in cursor.fetchall()]
