"""Filing (备案) for care away from home, and the link of a citizen's login to a person.

Six categories (医保发〔2022〕22号 Art.7): three long-stay, three temporary. Emergency care is
treated as filed without a filing (Art.8, 34); it may still be recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingCategory(models.TextChoices):
    """The six categories; the first three are long-stay (open-ended validity)."""

    RESETTLED_RETIREE = "retiree", _("Resettled retiree (异地安置退休)")
    LONG_TERM_RESIDENT = "resident", _("Long-term resident elsewhere (异地长期居住)")
    POSTED_WORKER = "posted", _("Posted to work elsewhere (常驻异地工作)")
    REFERRAL = "referral", _("Referral (异地转诊)")
    EMERGENCY = "emergency", _("Emergency treatment (异地急诊抢救)")
    TEMPORARY_OTHER = "temporary_other", _("Other temporary care (其他临时外出就医)")


LONG_STAY = frozenset(
    {
        FilingCategory.RESETTLED_RETIREE,
        FilingCategory.LONG_TERM_RESIDENT,
        FilingCategory.POSTED_WORKER,
    }
)


class FilingChannel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    ONLINE = "online", _("Online by the insured")
    HOSPITAL = "hospital", _("Hospital referral transaction (2501)")


class FilingStatus(models.TextChoices):
    """A filing's states; the move between them is declared in ``transitions``."""

    ACTIVE = "active", _("Active")  # in force within its dates
    CANCELLED = "cancelled", _("Cancelled")  # ended early by the insured or staff; final


class Filing(models.Model):
    """One filing of an insured person for care at a destination province or city."""

    person = models.ForeignKey(
        "medins.InsuredPerson",
        verbose_name=_("insured person"),
        on_delete=models.PROTECT,
        related_name="filings",
    )
    serial = models.CharField(_("filing number"), max_length=30, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=FilingCategory.choices)
    destination = models.ForeignKey(
        "regions.Division",
        verbose_name=_("destination"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    begin_date = models.DateField(_("valid from"))
    end_date = models.DateField(_("valid to"), null=True, blank=True)
    documents = models.JSONField(_("documents"), default=list)
    channel = models.CharField(_("channel"), max_length=10, choices=FilingChannel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=FilingStatus.choices, default=FilingStatus.ACTIVE
    )
    referring_institution = models.ForeignKey(
        "settlement.Institution",
        verbose_name=_("referring institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address away"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return f"{self.serial} {self.get_category_display()}"

    @property
    def long_stay(self) -> bool:
        return self.category in LONG_STAY


class PersonLink(models.Model):
    """A citizen login verified at the counter as this insured person (for online filing)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="insured_link"
    )
    person = models.ForeignKey("medins.InsuredPerson", on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("online identity of an insured person")
        verbose_name_plural = _("online identities of insured persons")

    def __str__(self) -> str:
        return f"{self.user_id}→{self.person_id}"
