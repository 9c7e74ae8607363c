"""A read model for the county's aggregates: one narrow row per township decision.

A decision is written once and never edited (a revocation is a separate record), so its
facts — where, when accepted and decided, type, registration, amount, household size —
can be copied once into a table the dashboard, the statistics and the sampling scan
without joining cases, tasks, applications and members every time. Measured: the joins
cost 0.3–0.7 s over 200,000 households on PostgreSQL; this table answers in tens of
milliseconds (docs/performance.md). ``assistance.facts.facts_sync`` appends new rows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import AssistanceType, HukouType

MONEY = {"max_digits": 14, "decimal_places": 2}


class DecisionFact(models.Model):
    """The facts of one Decision, copied when first seen (see the module docstring)."""

    decision = models.OneToOneField(
        "assistance.Decision",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("decision"),
    )
    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("application"),
    )
    division_code = models.CharField(_("village or community"), max_length=12)
    accepted_at = models.DateTimeField(_("accepted at"), null=True)
    decided_at = models.DateTimeField(_("decided at"))
    # whole seconds from acceptance to decision: the median sorts plain integers
    seconds_to_decide = models.PositiveIntegerField(_("seconds from acceptance"), null=True)
    approved = models.BooleanField(_("approved"))
    assistance_type = models.CharField(
        _("assistance type"), max_length=20, blank=True, choices=AssistanceType.choices
    )
    hukou_type = models.CharField(
        _("household registration"), max_length=10, choices=HukouType.choices
    )
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), null=True, **MONEY)
    persons = models.PositiveSmallIntegerField(_("members living together"))

    class Meta:
        verbose_name = _("decision fact")
        verbose_name_plural = _("decision facts")
        indexes = [
            models.Index(fields=["division_code", "decided_at"], name="fact_area_decided"),
            models.Index(fields=["decided_at"], name="fact_decided"),
        ]

    def __str__(self) -> str:
        return f"facts of decision {self.decision_id}"
