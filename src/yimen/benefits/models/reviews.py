"""Dynamic management (动态管理): review policy per division and each review of a household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roster import MONEY


class ReviewTrigger(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled review")
    CHANGE_REPORTED = "change_reported", _("Change reported")
    COUNTY_REQUEST = "county_request", _("County's request")
    RECALCULATION = "recalculation", _("Recalculation under new parameters")
    REPORT = "report", _("A report (投诉举报) about the household")  # issue 22 item 2


class ChangeKind(models.TextChoices):
    INCOME = "income", _("Income changed")
    MEMBERS = "members", _("Members changed")
    DEATH = "death", _("A member died")
    MOVED = "moved", _("Moved away")
    ASSETS = "assets", _("Assets changed")
    OTHER = "other", _("Other change")


class ReviewOutcome(models.TextChoices):
    """How a review ends (an open review has none); set once by
    ``transitions.decide_review``, it moves the household as ``OUTCOME_STATUS`` says."""

    CONTINUE = "continue", _("Continue unchanged")  # the household stays (or returns) active
    ADJUST = "adjust", _("Adjust the amount")  # active, a new monthly amount from next month
    PHASE_OUT = "phase_out", _("Phase out")  # paid some more months, then stopped
    SUSPEND = "suspend", _("Suspend")  # payment paused until a review resumes it
    STOP = "stop", _("Stop")  # final


class ReviewPolicy(models.Model):
    """Dated, per-division review intervals [A2021 Art.31; TZ2022 §1(3)].

    The most specific division with the latest ``valid_from`` not after the date applies;
    the shipped national defaults cover every division (the province code)."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    stable_months = models.PositiveSmallIntegerField(_("stable households: months"), default=12)
    unstable_months = models.PositiveSmallIntegerField(_("unstable households: months"), default=6)
    lead_days = models.PositiveSmallIntegerField(
        _("open the review this many days before it is due"), default=15
    )
    death_review_months = models.PositiveSmallIntegerField(
        _("review after a death within (months)"), default=3
    )
    phase_out_max_months = models.PositiveSmallIntegerField(
        _("longest phase-out (months)"), default=6
    )
    source = models.CharField(_("source"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review policy")
        verbose_name_plural = _("review policies")
        constraints = [
            models.UniqueConstraint(fields=["division", "valid_from"], name="one_policy_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}"


class Review(models.Model):
    """One review of a household: why it was opened, and the approver's signed outcome."""

    beneficiary = models.ForeignKey(
        "benefits.Beneficiary",
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("household"),
    )
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="benefit_review"
    )
    trigger = models.CharField(_("opened because"), max_length=20, choices=ReviewTrigger.choices)
    change_kind = models.CharField(
        _("change"), max_length=20, choices=ChangeKind.choices, blank=True
    )
    report = models.TextField(_("what was reported"), blank=True)
    occurred_on = models.DateField(_("change occurred on"), null=True, blank=True)
    due_on = models.DateField(_("to be concluded by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    new_amount = models.DecimalField(_("new monthly amount"), null=True, blank=True, **MONEY)
    phase_out_months = models.PositiveSmallIntegerField(
        _("phase-out months"), null=True, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)
    effective_month = models.DateField(_("takes effect from"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accountable signer"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review {self.pk} of household {self.beneficiary_id}"
