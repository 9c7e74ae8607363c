"""The dated, per-division parameters the assistance rules read (the database side of
``assistance.rules.params.Params``).

One row per division and validity period. Rows are history: a new standard is a new row
from its date (``parameter_set_add``), never an edit of a period already in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..rules.params import (
    DEFAULT_EXEMPT_INCOME,
    DEFAULT_EXEMPT_VEHICLES,
    DEFAULT_TEKUN_EXEMPT_INCOME,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
FACTOR = {"max_digits": 6, "decimal_places": 3}


def default_exempt_income() -> list[str]:
    return sorted(DEFAULT_EXEMPT_INCOME)


def default_tekun_exempt_income() -> list[str]:
    return sorted(DEFAULT_TEKUN_EXEMPT_INCOME)


def default_exempt_vehicles() -> list[str]:
    return sorted(DEFAULT_EXEMPT_VEHICLES)


class ParameterSet(models.Model):
    """Every number the 低保 / 特困 / 低收入 rules compare against, for one division from
    ``valid_from`` to ``valid_to`` (inclusive; empty = until a later set closes it).

    A division without its own set uses its nearest ancestor's. ``placeholder`` marks
    values that are labelled defaults rather than published figures; ``source`` says
    which, so every result can cite where its numbers came from."""

    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Inclusive; empty means open-ended.")
    )
    dibao_standard_urban = models.DecimalField(
        _("urban minimum living standard (yuan per person per month)"), **MONEY
    )
    dibao_standard_rural = models.DecimalField(
        _("rural minimum living standard (yuan per person per month)"), **MONEY
    )
    deposit_months = models.PositiveSmallIntegerField(
        _("deposit limit (months of the standard per person)")
    )
    max_homes = models.PositiveSmallIntegerField(_("maximum number of homes"))
    allow_market_entity = models.BooleanField(_("market-entity registration allowed"))
    tekun_factor = models.DecimalField(
        _("extreme-poverty basic living factor (× the standard)"), default="1.300", **FACTOR
    )
    tekun_care_full = models.DecimalField(
        _("care standard, fully self-caring (yuan per month)"), default="0.00", **MONEY
    )
    tekun_care_partial = models.DecimalField(
        _("care standard, partly unable to care for oneself (yuan per month)"),
        default="0.00",
        **MONEY,
    )
    tekun_care_none = models.DecimalField(
        _("care standard, wholly unable to care for oneself (yuan per month)"),
        default="0.00",
        **MONEY,
    )
    low_income_factor = models.DecimalField(
        _("low-income threshold factor (× the standard)"), default="1.500", **FACTOR
    )
    employment_cost_deduction = models.DecimalField(
        _("employment-cost deduction (yuan per earning member per month)"),
        default="0.00",
        **MONEY,
    )
    elderly_age = models.PositiveSmallIntegerField(_("age without work ability"), default=60)
    minor_age = models.PositiveSmallIntegerField(_("minors covered up to age"), default=18)
    exempt_income = models.JSONField(_("exempt income categories"), default=default_exempt_income)
    exempt_vehicles = models.JSONField(_("exempt vehicle kinds"), default=default_exempt_vehicles)
    tekun_exempt_income = models.JSONField(
        _("extreme-poverty exempt income categories"), default=default_tekun_exempt_income
    )
    tekun_deposit_months = models.PositiveSmallIntegerField(
        _("extreme-poverty deposit limit (months of the standard per person)"), default=24
    )
    tekun_max_homes = models.PositiveSmallIntegerField(
        _("extreme-poverty maximum number of homes"), default=1
    )
    tekun_allow_market_entity = models.BooleanField(
        _("extreme-poverty: market-entity registration allowed"), default=False
    )
    low_income_deposit_months = models.PositiveSmallIntegerField(
        _("low-income deposit limit (months of the standard per person)"), default=24
    )
    low_income_max_homes = models.PositiveSmallIntegerField(
        _("low-income maximum number of homes"), default=1
    )
    low_income_allow_market_entity = models.BooleanField(
        _("low-income: market-entity registration allowed"), default=False
    )
    disposable_income_last_year = models.DecimalField(
        _("last year's per-capita disposable income (yuan a year)"), **MONEY
    )
    income_lookback_months = models.PositiveSmallIntegerField(
        _("months seasonal and irregular income is averaged over"), default=12
    )
    tiers = models.JSONField(
        _("tiers"),
        default=list,
        blank=True,
        help_text=_('A list of {"code": …, "label": …, "amount_per_person": "…"}; may be empty.'),
    )
    payment_rounding = models.CharField(
        _("payment rounded to"),
        max_length=4,
        choices=[
            ("fen", _("the fen (no rounding)")),
            ("jiao", _("the jiao")),
            ("yuan", _("the yuan")),
        ],
        default="fen",
    )
    payment_rounding_mode = models.CharField(
        _("payment rounding"),
        max_length=7,
        choices=[("half_up", _("round half up")), ("up", _("round up")), ("down", _("round down"))],
        default="half_up",
    )
    payment_minimum = models.DecimalField(
        _("minimum payment (yuan per member per month, 0 = none)"), default="0.00", **MONEY
    )
    source = models.TextField(_("source"))
    placeholder = models.BooleanField(
        _("placeholder values"),
        default=False,
        help_text=_("Ticked while any value is a labelled default, not a published figure."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance parameter set")
        verbose_name_plural = _("assistance parameter sets")
        ordering = ["division_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_parameter_set_per_start"
            ),
            # the service refuses this with a message; the constraint is the last guard
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="parameter_set_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.valid_to:%Y-%m-%d}" if self.valid_to else "…"
        return f"{self.division_id} {self.valid_from:%Y-%m-%d}–{until}"
