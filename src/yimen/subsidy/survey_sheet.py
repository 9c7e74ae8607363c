"""The survey sheet (调查摸底表) read into columns and checked column-wise.

Why: a county's sheet has tens of thousands of units, almost always clean. Checking each
row in Python (an ID number through stdnum, a credit code, the village, a set of the
identities seen) cost about as much as reading the file; here every rule runs once over
a whole column with Polars expressions. ``plain_frame`` answers the typed frame only when
every row is *plainly* valid — ID numbers as 17 digits and a digit or X with the right
check digit and a real birth date not in the future, credit codes of 8 digits and 10
characters of the code's alphabet with the right check character (GB 32100), a village
code of the scheme's county, whole head counts, no identity twice — and None otherwise:
the importer then runs the row-by-row checks (``services.survey.parse_rows``), which
give every bad row's number and reason. So this path accepts nothing those refuse."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import polars as pl

from .models import ApplicantType, IdKind

#: the survey sheet's columns, in order (the first row is the header)
IMPORT_COLUMNS = [
    "主体类型",
    "名称",
    "身份证号或统一社会信用代码",
    "所在村（区划代码）",
    "联系人",
    "联系电话",
    "开户行",
    "惠农补贴一卡通账号",
    "牛存栏",
    "羊存栏",
]
TYPE_BY_NAME = {
    "草食畜养殖场户": ApplicantType.FARM,
    "养殖场户": ApplicantType.FARM,
    "草食畜养殖合作社": ApplicantType.COOPERATIVE,
    "养殖合作社": ApplicantType.COOPERATIVE,
    "秸秆饲料加工企业": ApplicantType.PROCESSOR,
    "秸秆饲料加工合作社": ApplicantType.PROCESSOR,
    "秸秆饲料加工企业（合作社）": ApplicantType.PROCESSOR,
}
#: the typed columns, named as the Unit and Survey fields they fill
FIELDS = [
    "applicant_type",
    "name",
    "identity",
    "division_id",
    "contact_name",
    "phone",
    "bank_name",
    "card_number",
    "cattle",
    "sheep",
]
HEAD_COUNT_MAX = 10_000_000

# GB 11643 (resident ID number): weights of the 17 digits and the check characters
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECKS = "10X98765432"
# GB 32100 (unified social credit code): its alphabet and the weights of 17 characters
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def cell_text(value: Any) -> str:
    """A cell as the row checks read it: text, stripped; an empty cell is ""."""
    return "" if value is None else str(value).strip()


def sheet_rows(rows: Iterable[tuple[int, Sequence[Any]]]) -> tuple[list[int], list[list[str]]]:
    """The data rows of a sheet — (row number as Excel shows it, values) pairs, the header
    first (``xlsx_values``) — as their numbers and their first ten cells as text; empty
    rows are left out."""
    numbers: list[int] = []
    cells: list[list[str]] = []
    width = len(IMPORT_COLUMNS)
    for position, (n, row) in enumerate(rows):
        if position == 0:
            continue  # the header
        texts = [cell_text(c) for c in row[:width]]
        if not any(texts):
            continue
        texts += [""] * (width - len(texts))
        numbers.append(n)
        cells.append(texts)
    return numbers, cells


def _ric_ok(col: pl.Expr, today: date) -> pl.Expr:
    shaped = col.str.contains(r"^\d{17}[\dX]$")
    weighted = pl.sum_horizontal(
        col.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(RIC_WEIGHTS)
    )
    check = weighted.mod(11).replace_strict(
        list(range(11)), list(RIC_CHECKS), return_dtype=pl.String
    )
    birth = col.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return (
        shaped
        & (check == col.str.slice(17, 1))
        & (birth.dt.year() >= 1900)  # stricter than the row check: older ones go that way
        & (birth <= today)
    )


def _uscc_ok(col: pl.Expr) -> pl.Expr:
    shaped = col.str.contains(rf"^\d{{8}}[{USCC_ALPHABET}]{{10}}$")
    values = [
        col.str.slice(i, 1).replace_strict(
            list(USCC_ALPHABET), list(range(31)), default=None, return_dtype=pl.Int64
        )
        for i in range(17)
    ]
    weighted = pl.sum_horizontal(v * w for v, w in zip(values, USCC_WEIGHTS, strict=True))
    check = (31 - weighted.mod(31)).mod(31)
    expected = check.replace_strict(
        list(range(31)), list(USCC_ALPHABET), default=None, return_dtype=pl.String
    )
    return shaped & (expected == col.str.slice(17, 1))


def _head_count(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    number = col.cast(pl.Int64, strict=False)
    ok = (col == "") | (col.str.contains(r"^\d{1,8}$") & (number <= HEAD_COUNT_MAX))
    return ok, pl.when(col == "").then(0).otherwise(number)


def plain_frame(
    cells: list[list[str]],
    *,
    admitted: Iterable[str],
    village_codes: set[str],
    today: date,
) -> pl.DataFrame | None:
    """The typed frame (FIELDS and ``id_kind``) when every row is plainly valid, else None
    (the caller runs the row-by-row checks for the reasons)."""
    if not cells:
        return pl.DataFrame(schema=dict.fromkeys([*FIELDS, "id_kind"], pl.String))
    raw = pl.DataFrame(cells, schema=[f"c{i}" for i in range(len(IMPORT_COLUMNS))], orient="row")
    kinds = {name: kind for name, kind in TYPE_BY_NAME.items() if kind in set(admitted)}
    identity = pl.col("c2").str.to_uppercase().str.replace_all(" ", "", literal=True)
    kind = pl.col("c0").replace_strict(kinds, default=None, return_dtype=pl.String)
    code = pl.col("c3").str.pad_end(12, "0").str.slice(0, 12)
    cattle_ok, cattle = _head_count(pl.col("c8"))
    sheep_ok, sheep = _head_count(pl.col("c9"))
    typed = raw.select(
        kind.alias("applicant_type"),
        pl.col("c1").str.slice(0, 200).alias("name"),
        identity.alias("identity"),
        code.alias("division_id"),
        pl.col("c4").str.slice(0, 50).alias("contact_name"),
        pl.col("c5").str.slice(0, 30).alias("phone"),
        pl.col("c6").str.slice(0, 100).alias("bank_name"),
        pl.col("c7").str.slice(0, 32).alias("card_number"),
        cattle.alias("cattle"),
        sheep.alias("sheep"),
        (cattle_ok & sheep_ok).alias("counts_ok"),
        (pl.col("c1") != "").alias("named"),
    )
    # a farm with an ID-number-shaped identity is a household; everything else a credit code
    household = (pl.col("applicant_type") == ApplicantType.FARM) & pl.col("identity").str.contains(
        r"^\d{17}[\dX]$"
    )
    typed = typed.with_columns(
        pl.when(household)
        .then(pl.lit(IdKind.ID_NUMBER.value))
        .otherwise(pl.lit(IdKind.USCC.value))
        .alias("id_kind"),
        pl.when(household)
        .then(_ric_ok(pl.col("identity"), today))
        .otherwise(_uscc_ok(pl.col("identity")))
        .alias("identity_ok"),
    )
    ok = typed.select(
        (
            pl.col("applicant_type").is_not_null()
            & pl.col("named")
            & pl.col("identity_ok")
            & pl.col("division_id").is_in(list(village_codes))
            & pl.col("counts_ok")
        )
        .fill_null(False)
        .all()
    ).item()
    if not ok or typed["identity"].n_unique() != typed.height:
        return None
    return typed.select([*FIELDS, "id_kind"])
