"""Monthly payment rolls, their lines, adjustments and the fund ledger.

A roll is written only when it is issued, so every stored roll and line is final: the ORM
refuses to change or delete them (as the audit log does). A draft is a preview computed on
demand. A correction after issue is a PaymentAdjustment, paid in the next roll."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import AssistanceType

from ..errors import ImmutableError
from .roster import MONEY


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("issued payment records are final / 已发放的记录不可更改")

    def delete(self):
        raise ImmutableError("issued payment records are final / 已发放的记录不可更改")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableError("issued payment records are final / 已发放的记录不可更改")


class Immutable(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("issued payment records are final / 已发放的记录不可更改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("issued payment records are final / 已发放的记录不可更改")


class PaymentRoll(Immutable):
    """One township's issued roll for one month."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    month = models.DateField(_("month"))
    households = models.PositiveIntegerField(_("households"))
    total_amount = models.DecimalField(_("total (yuan)"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    digest = models.CharField(_("SHA-256 of the lines"), max_length=64)

    class Meta:
        verbose_name = _("payment roll")
        verbose_name_plural = _("payment rolls")
        constraints = [
            models.UniqueConstraint(fields=["division", "month"], name="one_roll_a_month")
        ]

    def __str__(self) -> str:
        return f"roll {self.division_id} {self.month:%Y-%m}"


class LineKind(models.TextChoices):
    REGULAR = "regular", _("Monthly allowance")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REISSUE = "reissue", _("Returned payment paid again")


class PaymentLine(Immutable):
    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="lines")
    beneficiary = models.ForeignKey(
        "benefits.Beneficiary", on_delete=models.PROTECT, related_name="payments"
    )
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, choices=AssistanceType.choices
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payee_name = models.CharField(_("payee"), max_length=50)
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=32)
    reference = models.CharField(_("reference"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        indexes = [models.Index(fields=["beneficiary", "roll"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class PaymentAdjustment(models.Model):
    """A correction (+ back-payment, − recovery) paid in the next roll issued for the township."""

    beneficiary = models.ForeignKey(
        "benefits.Beneficiary", on_delete=models.PROTECT, related_name="adjustments"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    settled_in = models.ForeignKey(
        PaymentRoll,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("paid in roll"),
    )

    class Meta:
        verbose_name = _("payment adjustment")
        verbose_name_plural = _("payment adjustments")

    def __str__(self) -> str:
        return f"adjustment {self.amount} for household {self.beneficiary_id}"


class FundLedgerEntry(Immutable):
    """Funds paid per township, month and assistance type; written with the roll."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    month = models.DateField(_("month"))
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, choices=AssistanceType.choices
    )
    households = models.PositiveIntegerField(_("households"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="ledger")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["roll", "assistance_type"], name="one_entry_per_type")
        ]
        indexes = [models.Index(fields=["division", "month"])]

    def __str__(self) -> str:
        return f"{self.division_id} {self.month:%Y-%m} {self.assistance_type} {self.amount}"
