"""The surveyed units (调查摸底) and their vetting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .programme import ApplicantType, IdKind, Scheme


class Unit(models.Model):
    """A project unit (项目建设主体): one record per identity, whatever the scheme."""

    applicant_type = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantType.choices
    )
    name = models.CharField(_("name"), max_length=200)
    id_kind = models.CharField(_("identity document"), max_length=10, choices=IdKind.choices)
    identity = models.CharField(_("ID number or credit code"), max_length=18, unique=True)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village or township"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    card_number = models.CharField(_("farm-subsidy card number"), max_length=32, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidy_units",
        verbose_name=_("the unit's own account"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["division"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_household(self) -> bool:
        return self.id_kind == IdKind.ID_NUMBER


class SurveyStatus(models.TextChoices):
    SURVEYED = "surveyed", _("Surveyed, to be vetted")
    VETTED = "vetted", _("Vetted: may apply")
    REFUSED = "refused", _("Not qualified")


class Survey(models.Model):
    """The bureau's survey entry (调查摸底) of a unit for a scheme, then its vetting."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="surveys")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="surveys")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SurveyStatus.choices,
        default=SurveyStatus.SURVEYED,
        editable=False,
    )
    cattle = models.PositiveIntegerField(_("cattle kept"), default=0)
    sheep = models.PositiveIntegerField(_("sheep kept"), default=0)
    note = models.CharField(_("survey note"), max_length=500, blank=True)
    surveyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    surveyed_at = models.DateTimeField(_("surveyed at"), auto_now_add=True)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    vetted_at = models.DateTimeField(_("vetted at"), null=True, blank=True)
    vet_note = models.CharField(_("vetting note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("survey entry")
        verbose_name_plural = _("survey entries")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="subsidy_one_survey")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id}/{self.unit_id}"
