"""Subsidy card payments the bank sent back (退票), on the assistance rolls' machinery.

The bank returns a batch's transfers it could not credit (card closed, name mismatch,
frozen) in its return file, read with the same dated per-division and per-bank layouts as
the assistance rolls' (``benefits.ReturnFileLayout``, ``benefits.returns_layouts``). An
imported file is final: its returns, one per payment line at most (the constraint), and
the ledger's credit entries per item type, so the subsidy ledger still adds up to the fen.
The unit is flagged until the money is paid again: after the bureau corrects its card,
the scheme's next batch pays each returned amount again as a repayment line of its own.
Only a return's status moves afterwards (``subsidy/transitions.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.benefits.models import ReturnReason, ReturnStatus
from yimen.benefits.models.payments import Immutable

from .applications import Application
from .payments import PaymentBatch, PaymentLine
from .programme import MONEY, ItemType


class ReturnImport(Immutable):
    """One imported return file of a payment batch; the same file (its SHA-256) imported
    again is this import, not a second one."""

    payment_batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        related_name="return_imports",
        verbose_name=_("payment batch"),
    )
    layout = models.ForeignKey(
        "benefits.ReturnFileLayout", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    returns = models.PositiveIntegerField(_("payments returned"))
    total_amount = models.DecimalField(_("total (yuan)"), **MONEY)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy return file")
        verbose_name_plural = _("subsidy return files")
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment_batch", "file_sha256"], name="subsidy_return_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_batch_id}: {self.file_name}"


class PaymentReturn(models.Model):
    """One payment line sent back by the bank: at most once (the one-to-one)."""

    imported = models.ForeignKey(ReturnImport, on_delete=models.PROTECT, related_name="items")
    row_number = models.PositiveIntegerField(_("row in the file"))
    line = models.OneToOneField(
        PaymentLine, on_delete=models.PROTECT, related_name="returned", verbose_name=_("payment")
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="returns")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    account_number = models.CharField(_("card number"), max_length=32)
    payee_name = models.CharField(_("payee"), max_length=200)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    bank_code = models.CharField(_("bank's code"), max_length=40, blank=True)
    bank_text = models.CharField(_("bank's reason"), max_length=200, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.RETURNED
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("returned subsidy payment")
        verbose_name_plural = _("returned subsidy payments")
        ordering = ["imported", "row_number"]

    def __str__(self) -> str:
        return f"{self.line_id} returned {self.amount}"


class RepaymentLine(Immutable):
    """A returned amount paid again, to the corrected card, in a later batch of the
    scheme: once per return (the one-to-one)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="repayments")
    payment_return = models.OneToOneField(
        PaymentReturn, on_delete=models.PROTECT, related_name="repayment"
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payee_name = models.CharField(_("payee"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("card number"), max_length=32)
    reference = models.CharField(_("reference"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("subsidy repayment line")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class ReturnLedgerEntry(Immutable):
    """Funds back from the bank per return file and item type: the credit that keeps the
    subsidy ledger equal, to the fen, to what the units hold."""

    imported = models.ForeignKey(ReturnImport, on_delete=models.PROTECT, related_name="ledger")
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    items = models.PositiveIntegerField(_("items"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy fund ledger credit")
        constraints = [
            models.UniqueConstraint(
                fields=["imported", "item_type"], name="subsidy_return_ledger_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.imported_id} {self.item_type} -{self.amount}"
