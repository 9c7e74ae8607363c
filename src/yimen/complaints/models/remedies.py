"""Administrative reconsideration (行政复议) and lawsuit (行政诉讼): when the applicant goes
outside the department, staff record the body, the dates and the outcome, and what the
outcome does to the case (a decision set aside is decided again: a new signed decision,
``Reexamination`` with the remedy as its origin)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reexaminations import DecisionKind

USER = settings.AUTH_USER_MODEL


class RemedyKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    LAWSUIT = "lawsuit", _("Administrative lawsuit")


class RemedyStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONCLUDED = "concluded", _("Concluded")  # final


class RemedyOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld (维持)")
    REVOKED = "revoked", _("Revoked (撤销)")
    CHANGED = "changed", _("Changed (变更)")
    CONFIRMED_ILLEGAL = "confirmed_illegal", _("Confirmed illegal (确认违法)")
    DISMISSED = "dismissed", _("Claim dismissed (驳回)")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant (撤回)")


#: outcomes that set the decision aside: the township decides again, signed
DECIDE_AGAIN = frozenset({RemedyOutcome.REVOKED, RemedyOutcome.CHANGED})


class LegalRemedy(models.Model):
    """One reconsideration or lawsuit about a decision on an application."""

    kind = models.CharField(_("kind"), max_length=20, choices=RemedyKind.choices)
    decision_kind = models.CharField(
        _("decision challenged"),
        max_length=20,
        choices=DecisionKind.choices,
    )
    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    body = models.CharField(_("reconsideration body or court"), max_length=100)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    filed_on = models.DateField(_("filed on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RemedyStatus.choices,
        default=RemedyStatus.PENDING,
        editable=False,
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=RemedyOutcome.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decide_again = models.ForeignKey(
        "complaints.Reexamination",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided again in"),
    )
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconsideration or lawsuit")
        verbose_name_plural = _("reconsiderations and lawsuits")
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.body} {self.filed_on}"

    @property
    def number(self) -> str:
        prefix = "FY" if self.kind == RemedyKind.RECONSIDERATION else "SS"
        return f"{prefix}{self.filed_on:%Y%m%d}-{self.pk:05d}" if self.pk else ""
