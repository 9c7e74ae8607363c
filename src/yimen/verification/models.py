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
