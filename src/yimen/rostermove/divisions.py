"""Finding each row's division, by code or by names, inside the batch's area.

Old sheets name the village by its 12-digit statistical code, a shorter code, or by the
names of township and village (南岭街道 / 华阳社区). Names repeat across a county (many
townships have a 新村), so a name that matches more than one division of the area is
refused as ambiguous rather than guessed, and so is a code outside the area. The sheet's
distinct (code, township, village) combinations are resolved once each — a county has a
few hundred villages — and joined back to the rows."""

from __future__ import annotations

import polars as pl

from yimen.regions.codes import Level, prefix_of
from yimen.regions.models import Division


def _normalised(code: str) -> str:
    digits = "".join(code.split())
    if digits.isascii() and digits.isdigit() and len(digits) in {2, 4, 6, 9, 12}:
        return digits.ljust(12, "0")
    return ""


def resolve_divisions(
    frame: pl.DataFrame, scope_code: str, *, levels: tuple[Level, ...] = (Level.VILLAGE,)
) -> pl.DataFrame:
    """``frame`` (columns division_code, township, village) with ``division_id`` (the code,
    or null) and ``division_problem`` ("" when found)."""
    prefix = prefix_of(scope_code)
    inside = list(
        Division.objects.filter(code__startswith=prefix).values_list(
            "code", "name", "level", "parent__name"
        )
    )
    allowed = set(levels)
    known = {code: lvl for code, _n, lvl, _p in inside}
    by_names: dict[tuple[str, str], list[str]] = {}
    by_name: dict[str, list[str]] = {}
    for division, name, lvl, parent_name in inside:
        if lvl in levels:
            by_names.setdefault((parent_name or "", name), []).append(division)
            by_name.setdefault(name, []).append(division)
    combos = frame.select("division_code", "township", "village").unique()
    keys: dict[str, list] = {"division_code": [], "township": [], "village": []}
    found: list[str | None] = []
    problems: list[str] = []
    outside_checked: dict[str, bool] = {}
    for given, township, village in combos.iter_rows():
        keys["division_code"].append(given)
        keys["township"].append(township)
        keys["village"].append(village)
        code: str | None = None
        problem = ""
        if given:
            normal = _normalised(given)
            if not normal:
                problem = "division_unknown"
            elif normal in known:
                if known[normal] not in allowed:
                    problem = "division_level"
                else:
                    code = normal
            else:
                if normal not in outside_checked:
                    outside_checked[normal] = Division.objects.filter(code=normal).exists()
                problem = "division_outside" if outside_checked[normal] else "division_unknown"
        elif village:
            matches = (
                by_names.get((township, village), []) if township else by_name.get(village, [])
            )
            if len(matches) == 1:
                code = matches[0]
            else:
                problem = "division_ambiguous" if matches else "division_unknown"
        else:
            problem = "missing"
        found.append(code)
        problems.append(problem)
    resolved = pl.DataFrame(
        {**keys, "division_id": found, "division_problem": problems},
        schema={
            "division_code": pl.String,
            "township": pl.String,
            "village": pl.String,
            "division_id": pl.String,
            "division_problem": pl.String,
        },
    )
    return frame.join(
        resolved, on=["division_code", "township", "village"], how="left", nulls_equal=True
    )


def division_problems(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """The problems of ``resolve_divisions``'s result, by row, under the column the row used
    (the code's, or the village name's)."""
    by_code = pl.col("division_code").fill_null("") != ""
    return frame.filter(pl.col("division_problem") != "").select(
        pl.col("row").cast(pl.Int64),
        pl.when(by_code)
        .then(pl.lit(headers["division_code"]))
        .otherwise(pl.lit(headers["village"]))
        .alias("column"),
        pl.col("division_problem").alias("code"),
        pl.when(by_code)
        .then(pl.col("division_code"))
        .otherwise(pl.concat_str(["township", "village"], separator=" "))
        .str.strip_chars()
        .str.slice(0, 200)
        .alias("value"),
        pl.lit("").alias("detail"),
    )
