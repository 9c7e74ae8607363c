"""A report (投诉举报): a household believed to be wrongly on assistance, or a misconduct by
staff, lodged by anyone — signed in or anonymously — and answered by the handler of the
division it is routed to.

The reporter's identity (name, phone, account) lives in this row only: never in the audit
log, an export or the API. Only the handler who took the report may read it, and each
reading is audited (``services.reports.report_identity``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ReportKind(models.TextChoices):
    HOUSEHOLD = "household", _("A household wrongly on assistance")
    MISCONDUCT = "misconduct", _("Misconduct by staff")


class StaffLevel(models.TextChoices):
    """Whose misconduct: it decides where the report goes (the level above the staff)."""

    VILLAGE = "village", _("Village/residents' committee staff")
    TOWNSHIP = "township", _("Township (sub-district) staff")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received, waiting for a handler")  # routed, nobody has it yet
    HANDLING = "handling", _("Being handled")  # one handler took it
    ANSWERED = "answered", _("Answered")  # final: the answer is recorded and sent


class Finding(models.TextChoices):
    """What the handler found, stated with the answer."""

    FOUNDED = "founded", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNFOUNDED = "unfounded", _("Not substantiated")


class Report(models.Model):
    """One report, from its receipt to its answer."""

    receipt_code = models.CharField(_("receipt code"), max_length=12)
    kind = models.CharField(_("what is reported"), max_length=20, choices=ReportKind.choices)
    staff_level = models.CharField(
        _("staff of"), max_length=20, choices=StaffLevel.choices, blank=True
    )
    # where the reporter says it happened (a village, or the township for its staff)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("where"),
    )
    # the township (or county, for township staff) that must answer
    routed_to = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    subject_name = models.CharField(_("household or person concerned"), max_length=50)
    subject_address = models.CharField(_("address"), max_length=200, blank=True)
    text = models.TextField(_("what happened"))
    # --- the reporter's identity: the handler only -------------------------------------
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporter's account"),
    )
    # --- handling ------------------------------------------------------------------------
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.RECEIVED,
        editable=False,
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_on = models.DateField(_("to be answered by"))
    due_is_example = models.BooleanField(_("clock from example values"), default=False)
    handler = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handler"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    review_case = models.ForeignKey(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review of the household"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["receipt_code"], name="complaints_receipt_unique")
        ]
        indexes = [models.Index(fields=["routed_to", "status"], name="complaints_report_route")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        """The number staff use for it (the receipt code stays the reporter's)."""
        return f"TS{timezone.localtime(self.received_at):%Y%m%d}-{self.pk:05d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status != ReportStatus.ANSWERED

    def is_overdue(self, today) -> bool:
        """Not answered and past its last day."""
        return self.is_open and today > self.due_on
