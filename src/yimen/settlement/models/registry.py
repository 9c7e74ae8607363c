"""Designated institutions, the treatment place's catalog, and the insured place's policy sets.

就医地目录、参保地政策: the catalog belongs to the division where care is given (usually a
province), the policy to the division where the person is insured; both are dated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionLevel(models.TextChoices):
    """Hospital level; the deductible and ratio depend on it."""

    COMMUNITY = "community", _("Community health centre")
    LEVEL1 = "level1", _("Level 1")
    LEVEL2 = "level2", _("Level 2")
    LEVEL3_CITY = "level3_city", _("Level 3 (city)")
    LEVEL3_PROVINCIAL = "level3_provincial", _("Level 3 (provincial)")


class Institution(models.Model):
    """A designated medical institution (定点医疗机构) with its national code."""

    code = models.CharField(_("institution code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=InstitutionLevel.choices)
    division = models.ForeignKey(
        "regions.Division", verbose_name=_("division"), on_delete=models.PROTECT
    )
    cross_province = models.BooleanField(_("settles cross-province bills"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("designated institution")
        verbose_name_plural = _("designated institutions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ItemClass(models.TextChoices):
    """Catalog class: 甲 fully in scope, 乙 after a self-paid share, 丙 fully self-paid."""

    A = "A", _("Class A (甲)")
    B = "B", _("Class B (乙)")
    C = "C", _("Class C (丙)")


class CatalogItem(models.Model):
    """One entry of the treatment place's catalog (医保目录), valid from a date."""

    division = models.ForeignKey(
        "regions.Division", verbose_name=_("catalog division"), on_delete=models.PROTECT
    )
    code = models.CharField(_("national list code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    item_class = models.CharField(_("class"), max_length=1, choices=ItemClass.choices)
    selfpay_prop = models.DecimalField(
        _("self-paid share (class B)"), max_digits=5, decimal_places=4, default=0
    )
    price_cap = models.DecimalField(
        _("price cap (yuan per unit)"), max_digits=16, decimal_places=6, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalog item")
        verbose_name_plural = _("catalog items")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "code", "valid_from"], name="settlement_catalog_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(selfpay_prop__gte=0, selfpay_prop__lte=1),
                name="settlement_catalog_prop_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.item_class})"


class PolicySet(models.Model):
    """The insured place's settlement policy from ``valid_from`` (JSON, see rules/policy.py)."""

    division = models.ForeignKey(
        "regions.Division", verbose_name=_("insured division"), on_delete=models.PROTECT
    )
    valid_from = models.DateField(_("valid from"))
    values = models.JSONField(_("values"))
    source = models.TextField(_("source"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement policy set")
        verbose_name_plural = _("settlement policy sets")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="settlement_policy_unique"
            )
        ]
        ordering = ["division", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.division_id} {self.valid_from}"
