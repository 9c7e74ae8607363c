"""Import records of partner data; the data itself lives in Parquet files under DATA_DIR."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .sources import SOURCES

SOURCE_CHOICES = [(code, source.label) for code, source in SOURCES.items()]


class ImportBatch(models.Model):
    """One accepted partner file: which source, from whom, as of when, and where its rows are.

    The rows are kept as one Parquet file per batch (``parquet_path``, relative to the data
    directory) so the batch run reads them set-based; the same file (by SHA-256) for the same
    source, partner and as-of date is one batch only."""

    source = models.CharField(_("data source"), max_length=40, choices=SOURCE_CHOICES)
    partner = models.CharField(_("partner agency"), max_length=200)
    as_of = models.DateField(_("data as of"))
    sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=300)
    row_count = models.PositiveIntegerField(_("rows"))
    parquet_path = models.CharField(_("Parquet file"), max_length=300)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner data import")
        verbose_name_plural = _("partner data imports")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "partner", "as_of", "sha256"], name="verification_batch_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source} {self.partner} {self.as_of} ({self.row_count})"

    @property
    def full_path(self):
        return settings.DATA_DIR / self.parquet_path


class VerificationRequestStatus(models.TextChoices):
    """Where a request stands; assigned only in ``verification.requests``."""

    PENDING = "pending", _("Pending")  # waiting for the next batch run
    REPORTED = "reported", _("Reported")  # a batch run matched it and stored its report


class VerificationRequest(models.Model):
    """A case's request to verify its household against partner data.

    Made only when every adult member's authorisation is on file; ``member_ids`` are the ID
    numbers the batch run matches. One pending request per application."""

    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="verification_requests",
        verbose_name=_("application"),
    )
    case = models.ForeignKey(
        "workflow.Case",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VerificationRequestStatus.choices,
        default=VerificationRequestStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    member_ids = models.JSONField(_("ID numbers to match"), default=list)

    class Meta:
        verbose_name = _("verification request")
        verbose_name_plural = _("verification requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="pending"),
                name="verification_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} case {self.case_id} {self.status} ({len(self.member_ids)})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class VerificationRun(models.Model):
    """One batch run over the pending requests; its progress is polled by the staff page.

    ``done``/``total`` count households; ``phase`` says which part of the run is going on.
    Only one run is queued or running at a time."""

    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    scheduled = models.BooleanField(_("scheduled run"), default=False)
    division_prefix = models.CharField(_("divisions covered"), max_length=12, blank=True)
    total = models.PositiveIntegerField(_("households"), default=0)
    done = models.PositiveIntegerField(_("households done"), default=0)
    reports = models.PositiveIntegerField(_("reports stored"), default=0)
    completed = models.PositiveIntegerField(_("verify tasks completed"), default=0)
    disputed = models.PositiveIntegerField(_("cases marked disputed"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification run")
        verbose_name_plural = _("verification runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run #{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class VerificationReport(models.Model):
    """A household's verification report: what the partner records say, and how it differs.

    ``totals``: per source {records, count, amount}; ``flags``: the flag codes raised;
    ``differences``: [{item, declared, verified, difference, threshold, over, records}],
    each record "source:batch:row" (the row numbered as in the partner's file)."""

    request = models.OneToOneField(
        VerificationRequest,
        on_delete=models.PROTECT,
        related_name="report",
        verbose_name=_("request"),
    )
    run = models.ForeignKey(
        VerificationRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("run")
    )
    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="verification_reports",
        verbose_name=_("application"),
    )
    members = models.PositiveSmallIntegerField(_("members"))
    members_found = models.PositiveSmallIntegerField(_("members found in the register"))
    deposits = models.DecimalField(_("financial assets (yuan)"), max_digits=16, decimal_places=2)
    per_capita_deposits = models.DecimalField(
        _("financial assets per person (yuan)"), max_digits=16, decimal_places=2
    )
    monthly_income = models.DecimalField(
        _("verified monthly income (yuan)"), max_digits=14, decimal_places=2
    )
    totals = models.JSONField(_("totals per source"), default=dict)
    flags = models.JSONField(_("flags"), default=list)
    differences = models.JSONField(_("differences from the declaration"), default=list)
    disputed = models.BooleanField(_("differences above the thresholds"), default=False)
    task_completed = models.BooleanField(_("verify task completed"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("verification report")
        verbose_name_plural = _("verification reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"report of application {self.application_id}"


class VerificationThreshold(models.Model):
    """Dated thresholds above which a difference marks the case disputed.

    The nearest division up the tree with a row in force on the day wins (as the case time
    limits do); without any, ``thresholds.DEFAULT`` applies. Only under-declaration counts:
    records finding more than the household declared."""

    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
    )
    valid_from = models.DateField(_("valid from"))
    assets_yuan = models.DecimalField(
        _("financial assets difference (yuan)"), max_digits=14, decimal_places=2
    )
    income_monthly_yuan = models.DecimalField(
        _("monthly income difference (yuan)"), max_digits=14, decimal_places=2
    )
    units = models.PositiveSmallIntegerField(_("vehicles, homes or registrations difference"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("verification threshold")
        verbose_name_plural = _("verification thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="verification_threshold_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}"
