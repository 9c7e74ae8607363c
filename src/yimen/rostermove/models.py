"""Moving records in from the old system: the import batches, the problems found in them
and what each batch moved in.

A batch is one uploaded sheet of one kind (the assistance roster, the subsidy's surveyed
units, the exams' certificate holders). Its dry run stores every problem by row and
column; its import writes the valid records in one transaction and notes each one moved
in under a key (the head's ID number, the unit's identity, the certificate number), unique
per kind, so a second run of the same sheet adds nothing and says what it skipped."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a sheet holds; each kind has its adapter in ``rostermove.kinds``."""

    ROSTER = "roster", _("Households on assistance (花名册)")
    SUBSIDY = "subsidy", _("Surveyed subsidy units")
    CERTIFICATES = "certificates", _("Certificate holders")


class BatchStatus(models.TextChoices):
    """A batch is checked when uploaded; importing it is the only transition (``transitions``)."""

    CHECKED = "checked", _("Checked (dry run)")  # problems listed, nothing written
    IMPORTED = "imported", _("Imported")  # the valid records were written, once


class ImportBatch(models.Model):
    """One uploaded sheet: its file, the column mapping used, and the dry run's counts."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BatchStatus.choices,
        default=BatchStatus.CHECKED,
        editable=False,
    )
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(_("file content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    #: the subsidy scheme the units are surveyed for (kind "subsidy" only)
    scheme_id = models.BigIntegerField(_("subsidy scheme"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("data rows"), default=0)
    records = models.PositiveIntegerField(_("records in the sheet"), default=0)
    valid = models.PositiveIntegerField(_("records without a blocking problem"), default=0)
    already_moved = models.PositiveIntegerField(_("records already moved in"), default=0)
    blocking = models.PositiveIntegerField(_("blocking problems"), default=0)
    notices = models.PositiveIntegerField(_("notices"), default=0)
    imported = models.PositiveIntegerField(_("records imported"), default=0)
    skipped = models.PositiveIntegerField(_("records skipped at import"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        indexes = [models.Index(fields=["division", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.file_name}"


class RowProblem(models.Model):
    """One problem of one row (and column) of a batch's sheet. Blocking problems keep the
    record out of the import; notices (the amount differs from the rules') do not."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="problems", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(_("row"))  # as the spreadsheet numbers it (header = 1)
    column = models.CharField(_("column"), max_length=100, blank=True)
    code = models.CharField(_("problem"), max_length=40)
    value = models.CharField(_("value"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    blocking = models.BooleanField(_("blocking"), default=True)

    class Meta:
        verbose_name = _("row problem")
        verbose_name_plural = _("row problems")
        ordering = ["batch", "row", "id"]
        indexes = [models.Index(fields=["batch", "row"])]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.code}"


class MovedRecord(models.Model):
    """A record moved in by a batch, under its key: unique per kind, so nothing moves twice."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=40)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="moved", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(_("row"))
    object_id = models.BigIntegerField(_("record"))

    class Meta:
        verbose_name = _("record moved in")
        verbose_name_plural = _("records moved in")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="rostermove_moved_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class CheckedRecords(models.Model):
    """What a batch's dry run found writable, kept for its import: the records without a
    blocking problem, in the columns the import writes (Parquet), so the import re-asks only
    what the database may have changed since — who has been enrolled or moved in — instead
    of reading and checking the whole sheet again. Tied to the run (the batch) and to the
    sheet it was checked from (``file_sha256``), and stored with its own SHA-256 over both:
    a result that does not match is not used (the import then checks the sheet in full)."""

    batch = models.OneToOneField(
        ImportBatch,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="checked_records",
        verbose_name=_("batch"),
    )
    file_sha256 = models.CharField(_("SHA-256 of the sheet"), max_length=64)
    #: the version of the stored columns (the adapter's); another version is not used
    layout = models.PositiveIntegerField(_("layout"))
    checked_on = models.DateField(_("checked on"))
    headers = models.JSONField(_("headers of the sheet"), default=dict)
    digest = models.CharField(_("SHA-256 of the result"), max_length=64)
    data = models.BinaryField(_("records (Parquet)"))

    class Meta:
        verbose_name = _("checked records of a batch")
        verbose_name_plural = _("checked records of batches")

    def __str__(self) -> str:
        return f"checked records of batch {self.batch_id}"
