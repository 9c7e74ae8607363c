"""Payments the bank sent back (退票): the return files, each returned payment, the fund
ledger's credit side, and the dated layout a bank's return file is read with.

A transfer of a roll (one household's net amount in that roll, the line of the bank file)
can come back once: the bank could not credit it (account closed, name mismatch, frozen).
Its money goes back to the fund (``FundReturnEntry``, written with the import and final,
like the roll's own ledger), the household is flagged until the money is paid again, and
after staff correct the account the next roll pays the amount again as a line of its own
(``LineKind.REISSUE``). A return file, its returns and its ledger entries are written in one
transaction; only a return's status moves afterwards (``benefits/transitions.py``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import AssistanceType

from .payments import Immutable, PaymentRoll
from .roster import MONEY


class ReturnReason(models.TextChoices):
    """Why the bank could not credit the account (the bank's own code is kept beside it)."""

    ACCOUNT_CLOSED = "account_closed", _("Account closed")
    NAME_MISMATCH = "name_mismatch", _("Name does not match the account")
    FROZEN = "frozen", _("Account frozen")
    OTHER = "other", _("Other reason given by the bank")


class ReturnStatus(models.TextChoices):
    """Where a returned payment stands; transitions in ``benefits/transitions.py``."""

    RETURNED = "returned", _("Returned: the account must be corrected")  # household flagged
    CORRECTED = "corrected", _("Account corrected: paid again in the next roll")  # flagged
    REISSUED = "reissued", _("Paid again")  # final: the flag is cleared

    @classmethod
    def flagged(cls) -> tuple[str, ...]:
        """The statuses that flag the household: its money is not paid again yet."""
        return (cls.RETURNED, cls.CORRECTED)


class FileEncoding(models.TextChoices):
    UTF8 = "utf-8", _("UTF-8")
    GBK = "gbk", _("GBK / GB18030")


class AmountUnit(models.TextChoices):
    YUAN = "yuan", _("Yuan, with two decimals")
    FEN = "fen", _("Fen, in whole numbers")


class ReturnFileLayout(models.Model):
    """How one bank's return file is read, per division (the nearest up the tree applies)
    and date: which column holds what (a header's text, or a column number from 1), the
    encoding of a CSV, the date and amount formats, and the bank's reason codes. No bank
    publishes one format, so the layout is configuration, never a constant."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    bank_name = models.CharField(
        _("bank"), max_length=100, blank=True, help_text=_("Empty: every bank of the division.")
    )
    encoding = models.CharField(
        _("CSV encoding"), max_length=10, choices=FileEncoding.choices, default=FileEncoding.GBK
    )
    header_row = models.PositiveSmallIntegerField(
        _("header row"), default=1, help_text=_("0: the file has no header row.")
    )
    reference_column = models.CharField(_("reference column"), max_length=50, blank=True)
    account_column = models.CharField(_("account column"), max_length=50)
    name_column = models.CharField(_("payee column"), max_length=50, blank=True)
    amount_column = models.CharField(_("amount column"), max_length=50)
    reason_code_column = models.CharField(_("reason code column"), max_length=50, blank=True)
    reason_text_column = models.CharField(_("reason text column"), max_length=50, blank=True)
    date_column = models.CharField(_("return date column"), max_length=50, blank=True)
    date_format = models.CharField(_("date format"), max_length=20, default="%Y-%m-%d")
    amount_unit = models.CharField(
        _("amount format"), max_length=10, choices=AmountUnit.choices, default=AmountUnit.YUAN
    )
    skip_prefix = models.CharField(
        _("skip rows starting with"),
        max_length=20,
        blank=True,
        default="合计",
        help_text=_("A totals row the bank adds, e.g. 合计."),
    )
    reason_codes = models.JSONField(
        _("reason codes"), default=dict, help_text=_("The bank's code → the reason it means.")
    )
    example = models.BooleanField(_("example values, to be confirmed"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return file layout")
        verbose_name_plural = _("return file layouts")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "bank_name", "valid_from"], name="one_return_layout_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.bank_name or '*'} {self.valid_from}"


class ReturnBatch(Immutable):
    """One imported return file of a township: final once imported. The same file (its
    SHA-256) imported again is this batch, not a second one."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    layout = models.ForeignKey(ReturnFileLayout, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    month = models.DateField(_("month booked"))
    returns = models.PositiveIntegerField(_("payments returned"))
    total_amount = models.DecimalField(_("total (yuan)"), **MONEY)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return file")
        verbose_name_plural = _("return files")
        constraints = [
            models.UniqueConstraint(fields=["division", "file_sha256"], name="one_batch_a_file")
        ]

    def __str__(self) -> str:
        return f"returns {self.division_id} {self.file_name}"


class PaymentReturn(models.Model):
    """One household's transfer of one roll, sent back by the bank. A transfer comes back
    at most once (the constraint); its re-issue is one line of a later roll."""

    batch = models.ForeignKey(ReturnBatch, on_delete=models.PROTECT, related_name="items")
    row_number = models.PositiveIntegerField(_("row in the file"))
    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="returns")
    beneficiary = models.ForeignKey(
        "benefits.Beneficiary",
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("household"),
    )
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, choices=AssistanceType.choices
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    account_number = models.CharField(_("account paid"), max_length=32)
    payee_name = models.CharField(_("payee"), max_length=50)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    bank_code = models.CharField(_("bank's reason code"), max_length=40, blank=True)
    bank_text = models.CharField(_("bank's reason"), max_length=200, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReturnStatus.choices,
        default=ReturnStatus.RETURNED,
        editable=False,
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("account corrected at"), null=True, blank=True)
    reissued_in = models.ForeignKey(
        PaymentRoll,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reissues",
        verbose_name=_("paid again in roll"),
    )

    class Meta:
        verbose_name = _("returned payment")
        verbose_name_plural = _("returned payments")
        constraints = [
            models.UniqueConstraint(fields=["roll", "beneficiary"], name="one_return_a_payment")
        ]
        indexes = [models.Index(fields=["beneficiary", "status"])]

    def __str__(self) -> str:
        return f"return {self.roll_id}/{self.beneficiary_id} {self.amount}"

    @property
    def open(self) -> bool:
        """The household is flagged while the money has not been paid again."""
        return self.status != ReturnStatus.REISSUED


class FundReturnEntry(Immutable):
    """Funds that came back, per return file, roll and assistance type: the fund ledger's
    credit side, written with the import (the roll's ``FundLedgerEntry`` is the debit)."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    month = models.DateField(_("month booked"))
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, choices=AssistanceType.choices
    )
    households = models.PositiveIntegerField(_("households"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="returned")
    batch = models.ForeignKey(ReturnBatch, on_delete=models.PROTECT, related_name="ledger")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund ledger entry of returned money")
        verbose_name_plural = _("fund ledger entries of returned money")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "roll", "assistance_type"], name="one_return_entry_per_type"
            )
        ]
        indexes = [models.Index(fields=["division", "month"])]

    def __str__(self) -> str:
        return f"returned {self.division_id} {self.month:%Y-%m} {self.amount}"
