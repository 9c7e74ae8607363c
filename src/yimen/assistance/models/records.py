"""What each step of an assistance case records, and the dated per-division settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import AssistanceType
from .application import MONEY

USER = settings.AUTH_USER_MODEL


class MissingItemsNotice(models.Model):
    """一次性告知: one notice listing every missing item at once; the case waits for them."""

    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("application"),
    )
    items = models.JSONField(_("missing items"))
    issued_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("missing-items notice")
        verbose_name_plural = _("missing-items notices")

    def __str__(self) -> str:
        return f"{len(self.items)} items, {self.issued_at:%Y-%m-%d}"


class VerificationRecord(models.Model):
    """The economic verification's result (recorded by staff until the verification service
    delivers its report)."""

    application = models.OneToOneField(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="verification",
        verbose_name=_("application"),
    )
    verified_monthly_income = models.DecimalField(_("verified monthly household income"), **MONEY)
    verified_deposits = models.DecimalField(_("verified deposits"), **MONEY)
    contradicts_declaration = models.BooleanField(_("contradicts the declaration"))
    findings = models.TextField(_("findings"))
    source = models.CharField(_("source"), max_length=40, default="staff")
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification result")
        verbose_name_plural = _("verification results")

    def __str__(self) -> str:
        return f"verification of application {self.application_id}"


class HouseholdVisit(models.Model):
    """入户调查: at least two investigators, findings, signed by them and by the family."""

    application = models.OneToOneField(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="visit",
        verbose_name=_("application"),
    )
    visited_on = models.DateField(_("visited on"))
    investigators = models.ManyToManyField(USER, related_name="+", verbose_name=_("investigators"))
    organisation = models.CharField(_("contracted organisation"), max_length=100, blank=True)
    findings = models.TextField(_("findings"))
    investigators_signed = models.BooleanField(_("signed by the investigators"))
    family_signed = models.BooleanField(_("signed by the family"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")

    def __str__(self) -> str:
        return f"visit {self.visited_on} of application {self.application_id}"


class Appraisal(models.Model):
    """民主评议: the village committee's meeting, held only for disputed cases."""

    application = models.OneToOneField(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="appraisal",
        verbose_name=_("application"),
    )
    held_on = models.DateField(_("meeting date"))
    participants = models.PositiveIntegerField(_("participants"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"))
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    opinion = models.TextField(_("opinion"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")

    def __str__(self) -> str:
        return f"appraisal {self.held_on} of application {self.application_id}"


class Decision(models.Model):
    """The township's decision, signed by the named approver (谁审批、谁签字、谁负责)."""

    application = models.OneToOneField(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("application"),
    )
    approved = models.BooleanField(_("approved"))
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, blank=True, choices=AssistanceType.choices
    )
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), null=True, blank=True, **MONEY)
    reasons = models.TextField(_("reasons"))
    signer = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("accountable signer")
    )
    signer_name = models.CharField(_("signer name"), max_length=100)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    notice_due = models.DateField(_("notice due"), null=True, blank=True)
    # what the rules proposed when the decision was taken (parameters change later)
    proposed_type = models.CharField(
        _("proposed type"), max_length=20, blank=True, choices=AssistanceType.choices
    )
    proposed_amount = models.DecimalField(
        _("proposed monthly amount"), null=True, blank=True, **MONEY
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{'approved' if self.approved else 'refused'} by {self.signer_name}"


class Objection(models.Model):
    """An objection lodged on the public disclosure page; it reopens the case for review."""

    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("application"),
    )
    text = models.TextField(_("objection"))
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    lodged_at = models.DateTimeField(_("lodged at"), auto_now_add=True)
    review_case = models.ForeignKey(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review case"),
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"objection {self.pk} to application {self.application_id}"


class CaseTimeLimit(models.Model):
    """Per-division, dated time limits. The seed's "15 days" is local practice (policy.md
    marks it NOT FOUND), so it is data here; the statutory hard line is 20 working days
    where approval is devolved [TZ2022 §4(1)]. The nearest ancestor's setting applies."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    calendar_days = models.PositiveSmallIntegerField(_("target (calendar days)"), default=15)
    statutory_working_days = models.PositiveSmallIntegerField(
        _("statutory limit (working days)"), default=20
    )
    # a reported change of self-care is re-assessed within this many working days
    # [TK2021 Art.23]: the national figure, kept dated here so a division may shorten it
    reassessment_working_days = models.PositiveSmallIntegerField(
        _("self-care re-assessment after a reported change (working days)"), default=10
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("case time limit")
        verbose_name_plural = _("case time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_time_limit_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}: {self.calendar_days} days"


class CycleSchedule(models.Model):
    """Days of the month on which a township runs verification and approval cycles
    (default the 1st and 16th: the seed's "twice a month", NOT FOUND as a rule)."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    days = models.CharField(_("days of the month"), max_length=40, default="1,16")
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("cycle schedule")
        verbose_name_plural = _("cycle schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_cycle_schedule_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}: days {self.days}"


class DisclosureSetting(models.Model):
    """Per-division, dated settings of the public disclosure (公示): how many days a
    household stays on the list after its approval, and the supervision telephone (监督电话)
    the page gives for objections and complaints. The nearest ancestor's setting applies.
    No source gives Changchun's number, so a value may be marked ``example``: staff then
    read that it awaits confirmation; the public sees the number only."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    period_days = models.PositiveSmallIntegerField(
        _("disclosure period (calendar days)"), default=7
    )
    supervision_phone = models.CharField(_("supervision telephone"), max_length=40, blank=True)
    example = models.BooleanField(
        _("example value"),
        default=False,
        help_text=_("The telephone number is an example awaiting confirmation by the department."),
    )
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("disclosure setting")
        verbose_name_plural = _("disclosure settings")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_disclosure_setting_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(period_days__gte=1), name="disclosure_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}: {self.period_days} days"
