"""A household on the roster (救助对象花名册) and its dated entitlements.

The amount a household receives in a month is never stored on the household: it is the
latest entitlement whose effective month is not after that month. Every decision (approval,
adjustment, phase-out, suspension, stop) adds an entitlement from the next month, so the
history is kept and a payment roll for any month can be recomputed exactly."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import AssistanceType

MONEY = {"max_digits": 14, "decimal_places": 2}


class BeneficiaryStatus(models.TextChoices):
    """A household's state on the roster; its transitions are in ``benefits/transitions.py``."""

    ACTIVE = "active", _("On assistance")  # enrolled after disclosure, or resumed by a review
    PHASING_OUT = "phasing_out", _("Phasing out")  # 渐退期: paid a few more months, then stops
    SUSPENDED = "suspended", _("Suspended")  # a review suspended payment; a review resumes it
    STOPPED = "stopped", _("Stopped")  # final: by a review or a revoked approval; kept on record


class Stability(models.TextChoices):
    """How often the household is reviewed [A2021 Art.31]."""

    STABLE = "stable", _("Stable (reviewed yearly)")
    UNSTABLE = "unstable", _("Unstable income or able-bodied members (reviewed every 6 months)")


class EntitlementStatus(models.TextChoices):
    PAYING = "paying", _("Paid")
    PHASING_OUT = "phasing_out", _("Paid during phase-out")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")

    @classmethod
    def paid(cls) -> tuple[str, ...]:
        return (cls.PAYING, cls.PHASING_OUT)


class Beneficiary(models.Model):
    """One household on assistance, enrolled when its approval has been disclosed."""

    application = models.OneToOneField(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="beneficiary",
        verbose_name=_("application"),
    )
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village or community"),
    )
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, choices=AssistanceType.choices
    )
    head_name = models.CharField(_("head of household"), max_length=50)
    head_id_number = models.CharField(_("ID number of the head"), max_length=18, db_index=True)
    initials = models.CharField(_("pinyin initials"), max_length=50, db_index=True)
    members = models.PositiveSmallIntegerField(_("members covered"))
    start_month = models.DateField(_("first month paid"))
    stability = models.CharField(_("review interval"), max_length=10, choices=Stability.choices)
    next_review_on = models.DateField(_("next review due"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BeneficiaryStatus.choices,
        default=BeneficiaryStatus.ACTIVE,
        editable=False,
    )
    payee_name = models.CharField(_("payee"), max_length=50)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=32, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("household on assistance")
        verbose_name_plural = _("households on assistance")
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"{self.head_name} ({self.get_assistance_type_display()})"


class Entitlement(models.Model):
    """What the household is paid from ``effective_month`` on, until a later entitlement."""

    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name=_("household"),
    )
    effective_month = models.DateField(_("from month"))
    status = models.CharField(_("status"), max_length=20, choices=EntitlementStatus.choices)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), **MONEY)
    reason = models.TextField(_("reason"))
    review = models.ForeignKey(
        "benefits.Review",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name=_("review"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["beneficiary", "effective_month", "id"]
        indexes = [models.Index(fields=["beneficiary", "effective_month"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_amount__gte=0), name="entitlement_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.monthly_amount} from {self.effective_month:%Y-%m}"
