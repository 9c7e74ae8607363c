"""The subsidy's surveyed units (调查摸底) from the bureau's old register.

Each row is a unit — a farm or household by its ID number, a cooperative or processor by
its unified social credit code — with its village, contact, card and herd. The identity
is checked as the subsidy's own survey checks it (``subsidy.services.survey``): ID
numbers over the whole column, credit codes one distinct value at a time (a register has
thousands, not hundreds of thousands). A unit moves in as the scheme's survey entry
(status "surveyed", vetted afterwards as usual); a unit the subsidy already knows by its
identity is reused, never duplicated."""

from __future__ import annotations

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from yimen.accounts.roles import Action
from yimen.regions.codes import Level
from yimen.subsidy.models import IdKind, Scheme, Survey, Unit
from yimen.subsidy.services.survey import TYPE_BY_NAME

from .. import checks
from ..columns import Field
from ..divisions import division_problems, resolve_divisions
from ..errors import SchemeNeeded
from ..moving import insert_columns, moved_batches, note_moved, reserve_ids
from ..problems import problems_where
from ..sheet import Sheet
from . import Checked, ChecksAgainInFull, Context

FIELDS = (
    Field("unit_type", _("Applicant type"), ("主体类型",)),
    Field("name", _("Name"), ("名称", "主体名称")),
    Field("identity", _("ID number or credit code"), ("身份证号或统一社会信用代码", "证件号码")),
    Field("division_code", _("Division code"), ("所在村(区划代码)", "区划代码"), required=False),
    Field("township", _("Township"), ("乡镇(街道)", "乡镇"), required=False),
    Field("village", _("Village or community"), ("村(社区)", "村"), required=False),
    Field("contact", _("Contact"), ("联系人",), required=False),
    Field("phone", _("Phone"), ("联系电话",), required=False),
    Field("bank", _("Bank"), ("开户行", "开户银行"), required=False),
    Field(
        "card", _("Farm-subsidy card number"), ("惠农补贴一卡通账号", "一卡通账号"), required=False
    ),
    Field("cattle", _("Cattle kept"), ("牛存栏",), required=False),
    Field("sheep", _("Sheep kept"), ("羊存栏",), required=False),
)
HEAD_COUNT = r"^[0-9]{0,8}$"


def scheme_division(scheme_id: int) -> str:
    """The county of the scheme (the area of a batch of its units)."""
    scheme = Scheme.objects.filter(pk=scheme_id).only("division_id").first()
    if scheme is None:
        raise SchemeNeeded()
    return scheme.division_id


def _valid_uscc(values: list[str]) -> set[str]:
    """The values that are valid unified social credit codes (check character included)."""
    return {value for value in values if uscc.is_valid(value)}


class SubsidyAdapter(ChecksAgainInFull):
    kind = "subsidy"
    fields = FIELDS
    action = Action.SUBSIDY_MIGRATE

    def check(self, sheet: Sheet, ctx: Context) -> Checked:
        h = sheet.headers
        if ctx.scheme_id is None:
            raise SchemeNeeded()
        scheme = Scheme.objects.get(pk=ctx.scheme_id)
        admitted = {k: v for k, v in TYPE_BY_NAME.items() if v in scheme.applicant_types}
        f = sheet.frame.with_columns(
            pl.col("unit_type")
            .str.replace_all(r"\s", "")
            .replace_strict({k: str(v) for k, v in admitted.items()}, default=None)
            .alias("applicant_type"),
            checks.id_text("identity").alias("ident"),
        )
        looks_like_id = pl.col("ident").str.contains(checks.ID_PATTERN)
        f = f.with_columns(
            pl.when(looks_like_id & (pl.col("applicant_type") == "farm"))
            .then(checks.id_problem(pl.col("ident"), ctx.today))
            .otherwise(pl.lit(None, pl.String))
            .alias("id_problem")
        )
        credit = f.filter(pl.col("id_problem").is_null())["ident"].unique().to_list()
        good_credit = _valid_uscc(credit)
        f = f.with_columns(
            pl.when(pl.col("id_problem").is_not_null())
            .then(pl.col("id_problem"))
            .when(pl.col("ident").is_in(list(good_credit)))
            .then(pl.lit(""))
            .otherwise(pl.lit("identity_bad"))
            .alias("identity_problem"),
            pl.when(looks_like_id & (pl.col("applicant_type") == "farm"))
            .then(pl.lit(IdKind.ID_NUMBER.value))
            .otherwise(pl.lit(IdKind.USCC.value))
            .alias("id_kind"),
        )
        f = resolve_divisions(f, ctx.division_code, levels=(Level.VILLAGE, Level.TOWNSHIP))
        parts = []

        def add(condition, code, field, value=None, detail=None):
            value = pl.col(field) if value is None else value
            parts.append(problems_where(f, condition, code, h[field], value, detail))

        add(checks.blank("unit_type"), "missing", "unit_type")
        add(
            ~checks.blank("unit_type") & pl.col("applicant_type").is_null(),
            "unit_type_unknown",
            "unit_type",
        )
        add(checks.blank("name"), "missing", "name")
        add(checks.formula_like("name"), "formula_text", "name")
        add(checks.too_long("name", 200), "too_long", "name", detail=pl.lit("200"))
        add(checks.blank("identity"), "missing", "identity")
        add(
            ~checks.blank("identity")
            & pl.col("applicant_type").is_not_null()
            & (pl.col("identity_problem") != ""),
            pl.col("identity_problem"),
            "identity",
        )
        for field in ("cattle", "sheep"):
            add(~pl.col(field).str.contains(HEAD_COUNT), "head_count_bad", field)
        add(checks.too_long("contact", 50), "too_long", "contact", detail=pl.lit("50"))
        add(checks.formula_like("contact"), "formula_text", "contact")
        add(checks.too_long("phone", 30), "too_long", "phone", detail=pl.lit("30"))
        add(checks.too_long("bank", 100), "too_long", "bank", detail=pl.lit("100"))
        add(checks.too_long("card", 32), "too_long", "card", detail=pl.lit("32"))
        parts.append(division_problems(f, h))
        ok_ident = f.filter(pl.col("identity_problem") == "").with_columns(
            pl.col("row").min().over("ident").alias("first_row")
        )
        parts.append(
            problems_where(
                ok_ident,
                pl.col("row") != pl.col("first_row"),
                "duplicate_in_sheet",
                h["identity"],
                pl.col("ident"),
                pl.col("first_row").cast(pl.String),
            )
        )
        problems = pl.concat(parts).with_columns(pl.lit(True).alias("blocking"))

        f = f.with_columns(pl.format("{}:{}", pl.lit(ctx.scheme_id), pl.col("ident")).alias("key"))
        moved = moved_batches(self.kind, f["key"].to_list())
        surveyed = set(
            Survey.objects.filter(
                scheme_id=scheme.pk, unit__identity__in=f["ident"].unique().to_list()
            ).values_list("unit__identity", flat=True)
        )
        moved_frame = pl.DataFrame(
            {"key": list(moved), "batch": [str(b) for b in moved.values()]},
            schema={"key": pl.String, "batch": pl.String},
        )
        clean = f.join(problems.select("row"), on="row", how="anti")
        notices = [
            problems_where(
                clean.join(moved_frame, on="key"),
                pl.lit(True),
                "already_moved",
                h["identity"],
                pl.col("ident"),
                pl.col("batch"),
            ),
            problems_where(
                clean.join(moved_frame, on="key", how="anti"),
                pl.col("ident").is_in(list(surveyed)),
                "scheme_has_unit",
                h["identity"],
                pl.col("ident"),
            ),
        ]
        notices = [n.with_columns(pl.lit(False).alias("blocking")) for n in notices]
        skipped_rows = pl.concat([problems.select("row"), *[n.select("row") for n in notices]])
        valid = f.join(skipped_rows, on="row", how="anti").sort("row")
        return Checked(
            problems=pl.concat([problems, *notices]).sort("row", maintain_order=True),
            records=f.height,
            valid=valid,
            valid_records=valid.height,
            already_moved=notices[0].height,
        )

    def write(self, checked: Checked, ctx: Context) -> int:
        rows = checked.valid
        if rows is None or rows.is_empty():
            return 0
        now = timezone.now()
        known = dict(
            Unit.objects.filter(identity__in=rows["ident"].to_list()).values_list("identity", "pk")
        )
        fresh = rows.filter(~pl.col("ident").is_in(list(known)))
        new_ids = reserve_ids(Unit, fresh.height)
        insert_columns(
            Unit,
            {
                "id": new_ids,
                "applicant_type": fresh["applicant_type"].to_list(),
                "name": fresh["name"].to_list(),
                "id_kind": fresh["id_kind"].to_list(),
                "identity": fresh["ident"].to_list(),
                "division_id": fresh["division_id"].to_list(),
                "contact_name": fresh["contact"].to_list(),
                "phone": fresh["phone"].to_list(),
                "bank_name": fresh["bank"].to_list(),
                "card_number": fresh["card"].str.replace_all(r"\s", "").to_list(),
            },
            now,
        )
        known.update(zip(fresh["ident"].to_list(), new_ids, strict=True))
        n = rows.height
        survey_ids = reserve_ids(Survey, n)
        unit_ids = [known[i] for i in rows["ident"].to_list()]
        cattle = [int(x or 0) for x in rows["cattle"].to_list()]
        sheep = [int(x or 0) for x in rows["sheep"].to_list()]
        insert_columns(
            Survey,
            {
                "id": survey_ids,
                "scheme_id": [ctx.scheme_id] * n,
                "unit_id": unit_ids,
                "cattle": cattle,
                "sheep": sheep,
                "surveyed_by_id": [ctx.actor.pk] * n,
            },
            now,
        )
        note_moved(
            ctx,
            kind=self.kind,
            subject_type="subsidy.survey",
            keys=rows["key"].to_list(),
            rows=rows["row"].to_list(),
            object_ids=survey_ids,
        )
        return n
