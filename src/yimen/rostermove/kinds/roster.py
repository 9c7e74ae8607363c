"""The assistance roster (花名册): households on 低保, 特困 or 低收入 in the old system.

One row per person, as provincial sheets have it: the household is the group of rows
with the same head's ID number (户主身份证号); the head's own row (relation 户主 or 本人)
carries the household's type, amount, start month, account and village. Every check is
a column operation (``checks``); the database is asked once per few thousand ID numbers
whether a person is already on the roster or in an open case.

A household moved in becomes what an approved, disclosed application leaves behind — an
application (channel "moved in") with its members, a household on the roster, its first
entitlement from the start month, the stored facts the rules' batch reads — written
column-wise, with one audit event per household. The amount the rules would give is
computed by the same vectorised rules as the roster's recalculation and shown when it
differs; it never blocks (the old system's amount is what the household was granted)."""

from __future__ import annotations

import polars as pl

from yimen.accounts.roles import Action
from yimen.assistance.choices import AssistanceType, Relationship
from yimen.months import month_of
from yimen.regions.models import Division

from .. import checks
from ..divisions import division_problems, resolve_divisions
from ..kept import Kept
from ..problems import no_problems, problems_where
from ..sheet import Sheet
from . import Checked, Context
from .roster_amounts import rules_amounts
from .roster_columns import FIELDS, HUKOU, RELATIONS, TYPES
from .roster_people import KEPT, against_database, with_blocking
from .roster_write import write_roster

PAID_TYPES = (AssistanceType.DIBAO.value, AssistanceType.TEKUN.value)
ACCOUNT_PATTERN = r"^[0-9]{8,32}$"


def _mapped(column: str, table: dict) -> pl.Expr:
    clean = pl.col(column).str.replace_all(r"\s", "")
    return clean.replace_strict({k: str(v) for k, v in table.items()}, default=None)


class RosterAdapter:
    kind = "roster"
    fields = FIELDS
    action = Action.ROSTER_MIGRATE
    kept_layout = 1  # of the kept records' columns (``roster_people.KEPT``)

    # --- the dry run ---------------------------------------------------------------------

    def check(self, sheet: Sheet, ctx: Context) -> Checked:
        h = sheet.headers
        f = sheet.frame.with_columns(
            checks.id_text("id_number").alias("pid"),
            checks.id_text("head_id").alias("hid"),
            _mapped("relation", RELATIONS).alias("rel"),
        ).with_columns(checks.id_problem(pl.col("pid"), ctx.today).alias("pid_problem"))
        parts: list[pl.DataFrame] = []

        def add(condition: pl.Expr, code: str, field: str, *, on=None, value=None, detail=None):
            frame = f if on is None else on
            value = pl.col(field) if value is None else value
            parts.append(problems_where(frame, condition, code, h[field], value, detail))

        # every person's row
        add(checks.blank("name"), "missing", "name")
        add(checks.formula_like("name"), "formula_text", "name")
        add(checks.too_long("name", 50), "too_long", "name", detail=pl.lit("50"))
        add(checks.blank("id_number"), "missing", "id_number")
        add(~checks.blank("id_number") & (pl.col("pid_problem") != ""), "", "id_number")
        parts[-1] = parts[-1].with_columns(
            f.filter(~checks.blank("id_number") & (pl.col("pid_problem") != ""))[
                "pid_problem"
            ].alias("code")
        )
        add(checks.blank("head_id"), "missing", "head_id")
        add(checks.blank("relation"), "missing", "relation")
        add(~checks.blank("relation") & pl.col("rel").is_null(), "relation_unknown", "relation")

        # the household's own fields, on the first row of its head (a second is refused)
        head_rows = f.filter(
            (pl.col("rel") == Relationship.HEAD.value) & ~checks.blank("head_id")
        ).with_columns(pl.col("row").rank("ordinal").over("hid").alias("n"))
        add(pl.col("n") > 1, "two_heads", "relation", on=head_rows)
        heads = (
            head_rows.filter(pl.col("n") == 1)
            .drop("n")
            .with_columns(
                _mapped("type", TYPES).alias("kind"),
                _mapped("hukou", HUKOU).alias("hukou_type"),
                checks.money_text("amount").alias("amount_text"),
                checks.money_text("income").alias("income_text"),
                checks.month_of_text("start_month").alias("start"),
                pl.col("account").str.replace_all(r"\s", "").alias("account_digits"),
            )
        )
        heads = heads.with_columns(
            checks.money_fen(pl.col("amount_text")).alias("amount_fen"),
            checks.money_fen(pl.col("income_text")).alias("income_fen"),
        )
        add(
            (pl.col("pid") != pl.col("hid"))
            & (pl.col("pid_problem") == "")
            & ~checks.blank("head_id"),
            "head_mismatch",
            "head_id",
            on=heads,
        )
        add(checks.blank("type"), "missing", "type", on=heads)
        add(~checks.blank("type") & pl.col("kind").is_null(), "type_unknown", "type", on=heads)
        add(checks.blank("hukou"), "missing", "hukou", on=heads)
        add(
            ~checks.blank("hukou") & pl.col("hukou_type").is_null(),
            "hukou_unknown",
            "hukou",
            on=heads,
        )
        paid = pl.col("kind").is_in(PAID_TYPES)
        add(
            (pl.col("amount_text") != "") & ~checks.money_ok(pl.col("amount_text")),
            "amount_bad",
            "amount",
            on=heads,
        )
        add(
            paid
            & (pl.col("amount_fen").fill_null(0) == 0)
            & ((pl.col("amount_text") == "") | checks.money_ok(pl.col("amount_text"))),
            "amount_missing",
            "amount",
            on=heads,
        )
        add(
            (pl.col("income_text") != "") & ~checks.money_ok(pl.col("income_text")),
            "income_bad",
            "income",
            on=heads,
        )
        add(checks.blank("start_month"), "missing", "start_month", on=heads)
        add(
            ~checks.blank("start_month") & pl.col("start").is_null(),
            "month_bad",
            "start_month",
            on=heads,
        )
        add(pl.col("start") > pl.lit(month_of(ctx.today)), "month_future", "start_month", on=heads)
        add(
            (pl.col("account_digits") != "")
            & ~pl.col("account_digits").str.contains(ACCOUNT_PATTERN),
            "account_bad",
            "account",
            on=heads,
        )
        add(checks.formula_like("bank"), "formula_text", "bank", on=heads)
        add(checks.too_long("bank", 100), "too_long", "bank", on=heads, detail=pl.lit("100"))
        add(checks.too_long("address", 200), "too_long", "address", on=heads, detail=pl.lit("200"))

        heads = resolve_divisions(heads, ctx.division_code)
        parts.append(division_problems(heads, h))

        # households: one of them without a head row
        keyed = f.filter(~checks.blank("head_id"))
        without_head = keyed.join(heads.select("hid"), on="hid", how="anti")
        first_rows = without_head.group_by("hid").agg(
            pl.col("row").min(), pl.col("head_id").first()
        )
        add(pl.lit(True), "no_head", "head_id", on=first_rows)

        # the same person twice in the sheet
        valid_pid = f.filter(pl.col("pid_problem") == "").with_columns(
            pl.col("row").min().over("pid").alias("first_row")
        )
        add(
            pl.col("row") != pl.col("first_row"),
            "duplicate_in_sheet",
            "id_number",
            on=valid_pid,
            detail=pl.col("first_row").cast(pl.String),
        )

        # already moved in: skipped, and not "on the roster" for being there; persons the
        # system knows already
        known = against_database(self.kind, keyed["hid"], valid_pid, heads, h)
        parts.append(known.blocking)
        notices = [known.notices]

        problems = pl.concat(parts)
        households = keyed.select("hid").unique()
        blocked = problems.join(f.select("row", "hid"), on="row").select("hid").unique()
        valid_heads = (
            heads.join(blocked, on="hid", how="anti")
            .join(known.moved, on="hid", how="anti")
            .sort("row")
        )
        valid = f.join(valid_heads.select("hid"), on="hid", how="semi")
        notices.append(self._amount_notices(valid_heads, valid, ctx, h))
        return Checked(
            problems=with_blocking(problems, pl.concat(notices)),
            records=households.height,
            valid=valid.join(
                valid_heads.select(
                    "hid",
                    "kind",
                    "hukou_type",
                    "amount_fen",
                    "start",
                    "account_digits",
                    "division_id",
                    pl.col("row").alias("head_row"),
                ),
                on="hid",
                how="left",
            ).select(KEPT),
            valid_records=valid_heads.height,
            already_moved=known.moved_heads,
            headers=h,
        )

    def recheck(self, kept: Kept, ctx: Context) -> Checked | None:
        """The dry run's writable households less those moved in or enrolled since (the
        database is asked again; the sheet's own checks cannot have changed), or None when
        a division of the kept records is gone (the sheet is then checked in full)."""
        people = kept.records
        divisions = people["division_id"].unique().to_list()
        if Division.objects.filter(code__in=divisions).count() != len(divisions):
            return None
        heads = people.filter(pl.col("row") == pl.col("head_row"))
        known = against_database(self.kind, heads["hid"], people, heads, kept.headers)
        blocked = known.blocking.join(people.select("row", "hid"), on="row").select("hid")
        valid = people.join(known.moved, on="hid", how="anti").join(blocked, on="hid", how="anti")
        return Checked(
            problems=with_blocking(known.blocking, known.notices),
            valid=valid,
            valid_records=valid["hid"].n_unique(),
            already_moved=known.moved_heads,
            headers=kept.headers,
        )

    def _amount_notices(
        self, heads: pl.DataFrame, people: pl.DataFrame, ctx: Context, h
    ) -> pl.DataFrame:
        """The amount the rules give each household, where it differs from the sheet's."""
        if heads.is_empty():
            return no_problems()
        heads = heads.with_row_index("household_id").with_columns(
            pl.col("household_id").cast(pl.Int64)
        )
        members = people.join(
            heads.select("hid", "household_id", "income_fen", pl.col("row").alias("head_row")),
            on="hid",
        ).select(
            "household_id",
            checks.id_birth(pl.col("pid")).alias("birth_date"),
            pl.when(pl.col("row") == pl.col("head_row"))
            .then(pl.col("income_fen").fill_null(0))
            .otherwise(0)
            .alias("income_fen"),
        )
        expected = rules_amounts(
            heads.select("household_id", "hukou_type", "kind", "division_id"), members, ctx.today
        )
        rows = heads.join(expected, on="household_id")
        missing = problems_where(
            rows, pl.col("expected").is_null(), "no_parameters", h["amount"], pl.col("amount")
        )
        yuan = pl.format(
            "{}.{}",
            (pl.col("expected") // 100).cast(pl.String),
            (pl.col("expected") % 100).cast(pl.String).str.pad_start(2, "0"),
        )
        differs = problems_where(
            rows,
            pl.col("expected").is_not_null()
            & (pl.col("expected") != pl.col("amount_fen").fill_null(0)),
            "amount_differs",
            h["amount"],
            pl.col("amount"),
            yuan,
        )
        return pl.concat([missing, differs])

    # --- the import ----------------------------------------------------------------------

    def write(self, checked: Checked, ctx: Context) -> int:
        return write_roster(self.kind, checked, ctx)
