"""What the county records while it supervises: its requests that a township review a case
(SupervisionFlag), and its random sampling of township-approved cases (抽查), recorded so
that anyone can re-draw it: the share in force (dated, per division), each draw with its
seed and population, and each sampled case with the county's finding.

These models lived in ``assistance`` until issue 16; they keep its tables (``db_table``),
so moving them moved no data (migrations/0001_initial.py is state-only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL
PERCENT = {"max_digits": 5, "decimal_places": 2}


class SupervisionFlag(models.Model):
    """A county supervisor's request that the township review a case; never a decision."""

    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.CASCADE,
        related_name="supervision_flags",
        verbose_name=_("application"),
    )
    comment = models.TextField(_("comment"))
    raised_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        db_table = "assistance_supervisionflag"
        verbose_name = _("supervision flag")
        verbose_name_plural = _("supervision flags")

    def __str__(self) -> str:
        return f"county flag {self.pk} on application {self.application_id}"


class SamplingShare(models.Model):
    """The share of approved cases a county draws for review, from ``valid_from`` on.

    policy.md states no share for township-approved (devolved) cases; the nearest figures
    it found are the county's random checks of ≥30 % [TK2021 Art.16; A2012 Art.26], so
    the share is data, labelled with its source. The nearest ancestor's row applies."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    percent = models.DecimalField(_("share (%)"), **PERCENT)
    source = models.CharField(_("source"), max_length=200)
    set_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        db_table = "assistance_samplingshare"
        verbose_name = _("sampling share")
        verbose_name_plural = _("sampling shares")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="one_sampling_share_per_day"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="sampling_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} from {self.valid_from}: {self.percent} %"


class SampleDraw(models.Model):
    """One random draw of approved cases: who drew it, when, over which population, with
    which seed and share — enough to draw the same sample again."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    first_month = models.DateField(_("decided from (month)"))
    last_month = models.DateField(_("decided to (month)"))
    seed = models.CharField(_("seed"), max_length=64)
    percent = models.DecimalField(_("share (%)"), **PERCENT)
    share_source = models.CharField(_("source of the share"), max_length=200)
    population = models.PositiveIntegerField(_("approved cases in the population"))
    sample_size = models.PositiveIntegerField(_("cases drawn"))
    # sha256 of the population's sorted case numbers: shows whether it changed since
    population_digest = models.CharField(_("population fingerprint"), max_length=64)
    drawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("drawn by")
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        db_table = "assistance_sampledraw"
        verbose_name = _("sample draw")
        verbose_name_plural = _("sample draws")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"draw {self.pk}: {self.sample_size} of {self.population} ({self.seed})"


class Finding(models.TextChoices):
    PENDING = "pending", _("Not yet checked")  # drawn, the county has not reviewed it
    NO_ISSUE = "no_issue", _("No issue found")  # the county found the decision sound
    REVIEW_REQUESTED = "review_requested", _("Review requested")  # sent back to the township


class SampledCase(models.Model):
    """A case in a draw, with the county's finding. A finding never changes the decision:
    an issue goes back to the township as a request for review (SupervisionFlag)."""

    draw = models.ForeignKey(
        SampleDraw, on_delete=models.CASCADE, related_name="cases", verbose_name=_("draw")
    )
    application = models.ForeignKey(
        "assistance.Application",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("application"),
    )
    stratum = models.CharField(_("township"), max_length=12)
    rank = models.PositiveIntegerField(_("rank in the draw"))
    finding = models.CharField(
        _("finding"), max_length=20, choices=Finding.choices, default=Finding.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    flag = models.ForeignKey(
        SupervisionFlag,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("request for review"),
    )
    checked_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        db_table = "assistance_sampledcase"
        verbose_name = _("sampled case")
        verbose_name_plural = _("sampled cases")
        ordering = ["draw", "stratum", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "application"], name="sampled_once_per_draw")
        ]

    def __str__(self) -> str:
        return f"draw {self.draw_id}: application {self.application_id}"
