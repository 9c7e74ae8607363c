"""A re-examination (复核申请) of a signed decision: a refusal of an application, or the stop
of a household on the roster.

The applicant asks within the dated period after the decision (from their own pages or at
the counter); the answer is a NEW signed decision by an approver who did not sign the
first one, upholding or changing it. The same record carries a decision taken again
because an administrative reconsideration or a court set the first one aside (``origin``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class DecisionKind(models.TextChoices):
    REFUSAL = "refusal", _("Refusal of the application")
    STOP = "stop", _("Stop of the household's assistance")


class ReexamOrigin(models.TextChoices):
    APPLICANT = "applicant", _("Asked for by the applicant")
    RECONSIDERATION = "reconsideration", _("Decided again after administrative reconsideration")
    LAWSUIT = "lawsuit", _("Decided again after a court judgment")


class ReexamChannel(models.TextChoices):
    ONLINE = "online", _("Online, from the applicant's own pages")
    COUNTER = "counter", _("At the counter")
    REMEDY = "remedy", _("Ordered by the reconsideration body or the court")


class ReexamStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the new decision")
    DECIDED = "decided", _("Decided")  # final


class ReexamOutcome(models.TextChoices):
    UPHELD = "upheld", _("The decision is upheld")
    CHANGED = "changed", _("The decision is changed")


class Reexamination(models.Model):
    """One re-examination: what is challenged, who signed it, and the new signed decision."""

    kind = models.CharField(_("decision challenged"), max_length=20, choices=DecisionKind.choices)
    origin = models.CharField(
        _("origin"), max_length=20, choices=ReexamOrigin.choices, default=ReexamOrigin.APPLICANT
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ReexamChannel.choices)
    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    # the review whose outcome stopped the household (a stop only)
    stop_review = models.ForeignKey(
        "benefits.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review that stopped the household"),
    )
    # the township whose approver decides (scoping)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    first_signer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer of the decision")
    )
    first_signer_name = models.CharField(_("signer of the decision"), max_length=100)
    first_decided_at = models.DateTimeField(_("decision challenged, taken at"))
    first_summary = models.CharField(_("decision challenged"), max_length=300)
    grounds = models.TextField(_("grounds"))
    requested_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    requested_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    last_day = models.DateField(_("last day to ask"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReexamStatus.choices,
        default=ReexamStatus.PENDING,
        editable=False,
    )
    # --- the new decision ------------------------------------------------------------------
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReexamOutcome.choices, blank=True
    )
    assistance_type = models.CharField(_("assistance type"), max_length=20, blank=True)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), null=True, blank=True, **MONEY)
    reasons = models.TextField(_("reasons"), blank=True)
    signer = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer of the new decision"),
    )
    signer_name = models.CharField(_("signer of the new decision"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-examination")
        verbose_name_plural = _("re-examinations")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # two clerks entering the same request at once: the database keeps one
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_reexamination",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"FH{timezone.localtime(self.requested_at):%Y%m%d}-{self.pk:05d}" if self.pk else ""
