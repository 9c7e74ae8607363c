"""Personal-data protection: the access log (a hash chain of its own), legal holds and
data-subject requests.

The access log is kept apart from the audit log: the audit log records changes, this one
records who *looked* — far more rows, read by other people (the county, the auditor) for
another question ("who saw this household, and why?"). It is chained the same way
(`access_chain.py`) and append-only in the ORM and, on PostgreSQL, in the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an access-log entry."""


_REFUSED = "access-log entries are append-only / 个人信息访问记录只能追加"


class AccessKind(models.TextChoices):
    """What kind of look at personal data an entry records."""

    FULL_RECORD = "full_record", _("Full record viewed")  # a person's or household's page
    EXPORT = "export", _("Export with personal data")  # a file leaves the system
    UNMASK = "unmask", _("Unmasked display")  # a masked ID number shown in full


class AccessEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_REFUSED)

    def delete(self):
        raise AppendOnlyError(_REFUSED)

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(_REFUSED)


class AccessEntry(models.Model):
    """One look at personal data: who (user, role, division), when, which records, why.

    A single record is named in ``record_id`` (indexed: "who saw household 42?"); a set —
    an export of 200,000 rows — is one entry whose ids are packed in ``record_set``
    (`recordsets.py`), with ``record_count`` and the set's SHA-256 in ``record_digest``,
    which the entry's hash covers."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AccessKind.choices)
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=1)
    record_set = models.BinaryField(_("record set"), blank=True, default=b"")
    record_digest = models.CharField(_("record set digest"), max_length=64, blank=True)
    # the division the records belong to (an export: the area it was drawn from): what
    # the county's and the auditor's scoping filters on
    division_code = models.CharField(_("division"), max_length=12, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=40, blank=True)
    note = models.CharField(_("what was shown"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AccessEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data accesses")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["record_type", "record_id"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.record_type}:{self.record_id or self.record_count}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_REFUSED)


class AccessHead(models.Model):
    """The access chain's last link, locked by every writer (appends are ordered) and sealed
    with the deployment's audit key, as `audit.ChainHead` is for the audit chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("access chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class LegalHold(models.Model):
    """Records that retention must not remove: a lawsuit, an inquiry, an appeal. A hold
    names one record (``record_type`` + ``record_id``) or every record of one person (the
    ID number in ``person_id_number``); it lasts until lifted, with who and why both ways."""

    record_type = models.CharField(_("record type"), max_length=60, blank=True)
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    person_id_number = models.CharField(_("person's ID number"), max_length=18, blank=True)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(record_id="") & ~models.Q(record_type=""))
                | ~models.Q(person_id_number=""),
                name="privacy_hold_names_something",
            )
        ]

    def __str__(self) -> str:
        what = f"{self.record_type}:{self.record_id}" if self.record_id else "person"
        return f"hold #{self.pk} {what}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class RequestKind(models.TextChoices):
    """What the person asks for (PIPL Arts. 45 and 46)."""

    COPY = "copy", _("A copy of my personal data")
    CORRECTION = "correction", _("Correction of my personal data")


class RequestStatus(models.TextChoices):
    """Where a request stands; `requests_service.py` is the only place it changes."""

    OPEN = "open", _("Open")  # filed, the clock runs
    FULFILLED = "fulfilled", _("Copy issued")  # the signed bundle was generated
    CORRECTED = "corrected", _("Correction accepted")  # staff found it right
    REFUSED = "refused", _("Refused, with reasons")  # the data was right, or not theirs


class SubjectRequest(models.Model):
    """A person's request about their own data, filed by themselves (citizen page) or by
    staff at the counter on their behalf; it carries its clock (``due_on``) from the dated
    configuration in force on the day it was filed (`clocks.py`)."""

    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        editable=False,
    )
    person_name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    details = models.TextField(_("what is wrong and what it should say"), blank=True)
    on_behalf = models.BooleanField(_("filed by staff on the person's behalf"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed at"))
    due_on = models.DateField(_("answer due by"))
    clock_source = models.CharField(_("time limit source"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    bundle_path = models.CharField(_("copy bundle"), max_length=300, blank=True)
    bundle_sha256 = models.CharField(_("bundle SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class RetentionDone(models.Model):
    """A record retention anonymised (kept for statistics, no longer about anyone): so the
    next run does not take it again, and the county can see what went when. Records that
    were removed leave no row of their own; the audit event of the run lists them."""

    category = models.CharField(_("category"), max_length=40)
    record_type = models.CharField(_("record type"), max_length=60)
    record_id = models.CharField(_("record"), max_length=64)
    done_at = models.DateTimeField(_("done at"))

    class Meta:
        verbose_name = _("anonymised record")
        verbose_name_plural = _("anonymised records")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"], name="privacy_anonymised_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.record_type}:{self.record_id}"
