"""Insured persons, contribution months and the personal-account ledger (个人账户).

The balance is never stored: it is the sum of the ledger rows, so a credit and its debit can
never drift apart. Every posting carries (kind, reference), unique together, so the same
business event posted twice is one row (see ``yimen.medins.ledger``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid
from yimen.people import parse_id_number


def validate_id_number(value: str) -> None:
    """Model-level check of the 18-character 居民身份证号 with its check digit."""
    try:
        parse_id_number(value)
    except Invalid as exc:
        raise ValidationError(exc.render(), code="invalid_id_number") from None


class InsuranceType(models.TextChoices):
    """Which basic medical insurance the person is in."""

    EMPLOYEE = "employee", _("Employee basic medical insurance")  # 职工医保
    RESIDENT = "resident", _("Urban and rural resident medical insurance")  # 城乡居民医保


class InsuredStatus(models.TextChoices):
    """Participation status at this node."""

    CONTRIBUTING = "contributing", _("Contributing")  # 参保缴费
    STOPPED = "stopped", _("Stopped")  # 中止/暂停参保: may transfer out
    RETIRED = "retired", _("Retired")  # 退休: no transfer (医保办发〔2021〕43号 Art.2)


class InsuredPerson(models.Model):
    """A person insured at this node, in one city-level pooling region (统筹区)."""

    id_number = models.CharField(
        _("ID number"), max_length=18, unique=True, validators=[validate_id_number]
    )
    name = models.CharField(_("name"), max_length=50)
    insured_division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("pooling region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The city-level pooling region (统筹区) where the person is insured."),
    )
    insurance_type = models.CharField(
        _("insurance type"), max_length=10, choices=InsuranceType.choices
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InsuredStatus.choices,
        default=InsuredStatus.CONTRIBUTING,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("insured person")
        verbose_name_plural = _("insured persons")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number[:4]}…{self.id_number[-4:]})"


class ContributionOrigin(models.TextChoices):
    """Whether a month was paid here or brought in by a transfer."""

    LOCAL = "local", _("Paid here")
    TRANSFERRED = "transferred", _("Transferred in")


class ContributionMonth(models.Model):
    """One month of contributions in one pooling region (with the employer for employees)."""

    person = models.ForeignKey(
        InsuredPerson,
        verbose_name=_("insured person"),
        on_delete=models.PROTECT,
        related_name="contribution_months",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    employer_code = models.CharField(
        _("employer code"),
        max_length=32,
        blank=True,
        help_text=_("Unified social credit code; blank for residents."),
    )
    division = models.ForeignKey(
        "regions.Division",
        verbose_name=_("pooling region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    origin = models.CharField(
        _("origin"),
        max_length=12,
        choices=ContributionOrigin.choices,
        default=ContributionOrigin.LOCAL,
    )

    class Meta:
        verbose_name = _("contribution month")
        verbose_name_plural = _("contribution months")
        ordering = ["person", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month", "division"], name="medins_month_once_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="medins_month_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.amount_fen}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("A contribution month is its first day.")})


class EntryKind(models.TextChoices):
    """What moved money in or out of the personal account."""

    CONTRIBUTION = "contribution", _("Contribution")  # the part credited to the account
    TRANSFER_OUT = "transfer_out", _("Transfer out")  # balance sent to another node
    TRANSFER_IN = "transfer_in", _("Transfer in")  # balance received from another node
    SETTLEMENT = "settlement", _("Settlement")  # paid for care (issue 8)
    SETTLEMENT_REVERSAL = "settlement_reversal", _("Settlement reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")


class AccountEntry(models.Model):
    """One row of the personal-account ledger; credit > 0, debit < 0, in fen.

    (kind, reference) is unique: the posting of one business event happens once, however
    often it is retried."""

    person = models.ForeignKey(
        InsuredPerson,
        verbose_name=_("insured person"),
        on_delete=models.PROTECT,
        related_name="account_entries",
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    reference = models.CharField(_("reference"), max_length=64)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account entry")
        verbose_name_plural = _("account entries")
        ordering = ["person", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "reference"], name="medins_entry_once"),
            models.CheckConstraint(condition=~models.Q(amount_fen=0), name="medins_entry_not_zero"),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="medins_entry_person")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} {self.amount_fen:+d}"
