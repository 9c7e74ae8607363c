"""The exams' certificate holders from the old register (特种作业操作证 and the safety
certificates of principals and managers).

Each row is one certificate: holder, ID number, category (its code or name), number,
issue date, and optionally the end of validity and the next review (复审) date — when
absent they follow from the category as the exams' own issue computes them
(``exams.rules``). An expired certificate is not moved in as valid: it is listed. A
holder the exams already know by ID number is reused; the certificate arrives as issued
(status "valid"), behind a certified application, so reviews and revocation work on it
as on one issued here."""

from __future__ import annotations

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.exams.models import (
    Application,
    ApplicationStatus,
    Candidate,
    Category,
    Certificate,
    CertificateStatus,
    Education,
)
from yimen.regions.codes import Level

from .. import checks
from ..columns import Field
from ..divisions import division_problems, resolve_divisions
from ..moving import insert_columns, moved_batches, note_moved, reserve_ids
from ..problems import problems_where
from ..sheet import Sheet
from . import Checked, ChecksAgainInFull, Context

FIELDS = (
    Field("name", _("Name"), ("姓名",)),
    Field("id_number", _("ID number"), ("身份证号", "身份证号码", "公民身份号码")),
    Field("education", _("Education"), ("文化程度", "学历")),
    Field("category", _("Category"), ("作业类别", "操作项目", "类别")),
    Field("number", _("Certificate number"), ("证书编号", "证号")),
    Field("issued_on", _("Issued on"), ("发证日期", "初领日期")),
    Field("valid_until", _("Valid until"), ("有效期至", "有效截止日期"), required=False),
    Field("review_due_on", _("Review due"), ("复审日期", "应复审日期"), required=False),
    Field("division_code", _("Division code"), ("发证地区划代码", "区划代码"), required=False),
    Field("township", _("Township"), ("乡镇(街道)",), required=False),
    Field("village", _("County or district"), ("县(区)", "发证地"), required=False),
)
EDUCATION = {
    "小学": Education.PRIMARY,
    "初中": Education.JUNIOR,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "中职": Education.SENIOR,
    "职高": Education.SENIOR,
    "技校": Education.SENIOR,
    "大专": Education.COLLEGE,
    "大专及以上": Education.COLLEGE,
    "本科": Education.COLLEGE,
    "研究生": Education.COLLEGE,
}


class CertificatesAdapter(ChecksAgainInFull):
    kind = "certificates"
    fields = FIELDS
    action = Action.EXAM_MIGRATE

    def _categories(self) -> dict[str, tuple[int, int, int, str]]:
        """code or name → (id, validity years, review years, post) of its latest version."""
        found: dict[str, tuple[int, int, int, str]] = {}
        for row in Category.objects.order_by("valid_from", "pk"):
            entry = (row.pk, row.validity_years, row.review_years, row.post)
            found[row.code] = entry
            found[row.name] = entry
        return found

    def check(self, sheet: Sheet, ctx: Context) -> Checked:
        h = sheet.headers
        categories = self._categories()
        table = pl.DataFrame(
            {
                "category_key": list(categories),
                "category_id": [v[0] for v in categories.values()],
                "validity_years": [v[1] for v in categories.values()],
                "review_years": [v[2] for v in categories.values()],
            },
            schema={
                "category_key": pl.String,
                "category_id": pl.Int64,
                "validity_years": pl.Int64,
                "review_years": pl.Int64,
            },
        )
        f = (
            sheet.frame.with_columns(
                checks.id_text("id_number").alias("pid"),
                pl.col("category").str.strip_chars().alias("category_key"),
                pl.col("number").str.replace_all(r"\s", "").str.to_uppercase().alias("key"),
                checks.date_of_text("issued_on").alias("issued"),
                checks.date_of_text("valid_until").alias("until_given"),
                checks.date_of_text("review_due_on").alias("review_given"),
                pl.col("education")
                .str.replace_all(r"\s", "")
                .replace_strict({k: str(v) for k, v in EDUCATION.items()}, default=None)
                .alias("edu"),
            )
            .join(table, on="category_key", how="left", maintain_order="left")
            .with_columns(checks.id_problem(pl.col("pid"), ctx.today).alias("pid_problem"))
        )
        f = f.with_columns(
            pl.when(
                pl.col("township").fill_null("")
                + pl.col("village").fill_null("")
                + pl.col("division_code").fill_null("")
                == ""
            )
            .then(pl.lit(ctx.division_code))
            .otherwise(pl.col("division_code"))
            .alias("division_code")
        )
        f = resolve_divisions(f, ctx.division_code, levels=tuple(Level))
        f = f.with_columns(
            pl.coalesce(
                pl.col("until_given"),
                pl.col("issued").dt.offset_by(pl.format("{}y", pl.col("validity_years"))),
            ).alias("until"),
        ).with_columns(
            pl.coalesce(
                pl.col("review_given"),
                pl.col("issued").dt.offset_by(
                    pl.format(
                        "{}y",
                        pl.when(pl.col("review_years") > 0)
                        .then(pl.col("review_years"))
                        .otherwise(pl.col("validity_years")),
                    )
                ),
            ).alias("review"),
        )
        parts = []

        def add(condition, code, field, value=None, detail=None):
            value = pl.col(field) if value is None else value
            parts.append(problems_where(f, condition, code, h[field], value, detail))

        add(checks.blank("name"), "missing", "name")
        add(checks.formula_like("name"), "formula_text", "name")
        add(checks.too_long("name", 50), "too_long", "name", detail=pl.lit("50"))
        add(checks.blank("id_number"), "missing", "id_number")
        add(
            ~checks.blank("id_number") & (pl.col("pid_problem") != ""),
            pl.col("pid_problem"),
            "id_number",
        )
        add(checks.blank("education"), "missing", "education")
        add(~checks.blank("education") & pl.col("edu").is_null(), "education_unknown", "education")
        add(checks.blank("category"), "missing", "category")
        add(
            ~checks.blank("category") & pl.col("category_id").is_null(),
            "category_unknown",
            "category",
        )
        add(checks.blank("number"), "missing", "number")
        add(checks.too_long("number", 24), "too_long", "number", detail=pl.lit("24"))
        add(checks.blank("issued_on"), "missing", "issued_on")
        add(~checks.blank("issued_on") & pl.col("issued").is_null(), "date_bad", "issued_on")
        add(pl.col("issued") > pl.lit(ctx.today), "date_bad", "issued_on")
        add(
            ~checks.blank("valid_until") & pl.col("until_given").is_null(),
            "date_bad",
            "valid_until",
        )
        add(
            ~checks.blank("review_due_on") & pl.col("review_given").is_null(),
            "date_bad",
            "review_due_on",
        )
        add(pl.col("until") < pl.col("issued"), "valid_until_bad", "valid_until")
        add(
            (pl.col("until") < pl.lit(ctx.today)) & (pl.col("until") >= pl.col("issued")),
            "certificate_expired",
            "valid_until",
            value=pl.col("until").cast(pl.String),
        )
        parts.append(division_problems(f, h))
        numbered = f.filter(pl.col("key") != "").with_columns(
            pl.col("row").min().over("key").alias("first_row")
        )
        parts.append(
            problems_where(
                numbered,
                pl.col("row") != pl.col("first_row"),
                "duplicate_in_sheet",
                h["number"],
                pl.col("key"),
                pl.col("first_row").cast(pl.String),
            )
        )
        moved = moved_batches(self.kind, numbered["key"].unique().to_list())
        moved_frame = pl.DataFrame(
            {"key": list(moved), "batch": [str(b) for b in moved.values()]},
            schema={"key": pl.String, "batch": pl.String},
        )
        taken = set(
            Certificate.objects.filter(number__in=numbered["key"].unique().to_list()).values_list(
                "number", flat=True
            )
        ) - set(moved)
        parts.append(
            problems_where(
                numbered,
                pl.col("key").is_in(list(taken)),
                "certificate_taken",
                h["number"],
                pl.col("key"),
            )
        )
        problems = pl.concat(parts).with_columns(pl.lit(True).alias("blocking"))
        clean = f.join(problems.select("row"), on="row", how="anti")
        notices = problems_where(
            clean.join(moved_frame, on="key"),
            pl.lit(True),
            "already_moved",
            h["number"],
            pl.col("key"),
            pl.col("batch"),
        ).with_columns(pl.lit(False).alias("blocking"))
        skipped = pl.concat([problems.select("row"), notices.select("row")])
        valid = f.join(skipped, on="row", how="anti").sort("row")
        return Checked(
            problems=pl.concat([problems, notices]).sort("row", maintain_order=True),
            records=f.height,
            valid=valid,
            valid_records=valid.height,
            already_moved=notices.height,
        )

    def write(self, checked: Checked, ctx: Context) -> int:
        rows = checked.valid
        if rows is None or rows.is_empty():
            return 0
        now = timezone.now()
        known = dict(
            Candidate.objects.filter(id_number__in=rows["pid"].unique().to_list()).values_list(
                "id_number", "pk"
            )
        )
        fresh = rows.filter(~pl.col("pid").is_in(list(known))).unique(
            "pid", keep="first", maintain_order=True
        )
        candidate_ids = reserve_ids(Candidate, fresh.height)
        insert_columns(
            Candidate,
            {
                "id": candidate_ids,
                "id_number": fresh["pid"].to_list(),
                "name": fresh["name"].to_list(),
                "birth_date": fresh.select(checks.id_birth(pl.col("pid")))["pid"].to_list(),
                "education": fresh["edu"].to_list(),
                "division_id": fresh["division_id"].to_list(),
            },
            now,
        )
        known.update(zip(fresh["pid"].to_list(), candidate_ids, strict=True))
        n = rows.height
        holders = [known[p] for p in rows["pid"].to_list()]
        issued = rows["issued"].to_list()
        application_ids = reserve_ids(Application, n)
        insert_columns(
            Application,
            {
                "id": application_ids,
                "candidate_id": holders,
                "category_id": rows["category_id"].to_list(),
                "division_id": rows["division_id"].to_list(),
                "status": [ApplicationStatus.CERTIFIED.value] * n,
                "applied_on": issued,
                "exam_due_on": issued,
            },
            now,
        )
        certificate_ids = reserve_ids(Certificate, n)
        insert_columns(
            Certificate,
            {
                "id": certificate_ids,
                "application_id": application_ids,
                "candidate_id": holders,
                "division_id": rows["division_id"].to_list(),
                "number": rows["key"].to_list(),
                "status": [CertificateStatus.VALID.value] * n,
                "requested_on": issued,
                "accept_due_on": issued,
                "issued_on": issued,
                "valid_until": rows["until"].to_list(),
                "review_due_on": rows["review"].to_list(),
            },
            now,
        )
        note_moved(
            ctx,
            kind=self.kind,
            subject_type="exams.certificate",
            keys=rows["key"].to_list(),
            rows=rows["row"].to_list(),
            object_ids=certificate_ids,
        )
        return n
