"""Payment batches, their lines and the fund ledger: final once issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.benefits.models.payments import Immutable

from .applications import Application
from .programme import MONEY, ItemType, Scheme


class PaymentBatch(Immutable):
    """One issued batch of a scheme, paid to the units' farm-subsidy cards (惠农补贴一卡通).
    Written once, with its lines and ledger; final (``Immutable``, as the assistance rolls)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("batch number"))
    units = models.PositiveIntegerField(_("units"))
    total_amount = models.DecimalField(_("total (yuan)"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    digest = models.CharField(_("SHA-256 of the lines"), max_length=64)

    class Meta:
        verbose_name = _("subsidy payment batch")
        verbose_name_plural = _("subsidy payment batches")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="subsidy_batch_number")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} #{self.number}"


class PaymentLine(Immutable):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    # one line per application, ever: a second batch cannot pay it again
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="payment"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payee_name = models.CharField(_("payee"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("card number"), max_length=32)
    reference = models.CharField(_("reference"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("subsidy payment line")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class LedgerEntry(Immutable):
    """Funds paid per batch and item type; reconciled to the fen with the lines."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="ledger")
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    items = models.PositiveIntegerField(_("items"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy fund ledger entry")
        constraints = [
            models.UniqueConstraint(fields=["batch", "item_type"], name="subsidy_ledger_type")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.item_type} {self.amount}"
