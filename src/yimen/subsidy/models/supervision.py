"""What the county records when it samples subsidy applications (抽查): each draw with its
seed, share and population (enough to draw the same sample again), and each sampled
application with the county's finding.

The use cases that write these rows are county supervision's (``supervision/services/
sampling.py`` over its ``SUBSIDY`` population); the rows live here, beside the
applications they point at and the county's review requests (``ReviewRequest``), so that
the subsidy's tables and migrations stay in one app. A finding never changes a decision:
an issue goes to the bureau as a review request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application, ReviewRequest

PERCENT = {"max_digits": 5, "decimal_places": 2}


class SampleFinding(models.TextChoices):
    PENDING = "pending", _("Not yet checked")  # drawn, the county has not looked at it
    NO_ISSUE = "no_issue", _("No issue found")  # the county found the decision sound
    REVIEW_REQUESTED = "review_requested", _("Review requested")  # sent to the bureau


class SampleDraw(models.Model):
    """One random draw of the approved subsidy applications of an area, decided in a period:
    who drew it, when, with which seed and share, over which population."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    first_month = models.DateField(_("decided from (month)"))
    last_month = models.DateField(_("decided to (month)"))
    seed = models.CharField(_("seed"), max_length=64)
    percent = models.DecimalField(_("share (%)"), **PERCENT)
    share_source = models.CharField(_("source of the share"), max_length=200)
    population = models.PositiveIntegerField(_("approved applications in the population"))
    sample_size = models.PositiveIntegerField(_("applications drawn"))
    # sha256 of the population's sorted application numbers: shows whether it changed since
    population_digest = models.CharField(_("population fingerprint"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sample of subsidy applications")
        verbose_name_plural = _("samples of subsidy applications")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"subsidy draw {self.pk}: {self.sample_size} of {self.population} ({self.seed})"


class SampledApplication(models.Model):
    """An application in a draw, with the county's finding."""

    draw = models.ForeignKey(
        SampleDraw, on_delete=models.CASCADE, related_name="applications", verbose_name=_("draw")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="+", verbose_name=_("application")
    )
    stratum = models.CharField(_("township"), max_length=12)
    rank = models.PositiveIntegerField(_("rank in the draw"))
    finding = models.CharField(
        _("finding"), max_length=20, choices=SampleFinding.choices, default=SampleFinding.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    request = models.ForeignKey(
        ReviewRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("review request"),
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sampled subsidy application")
        verbose_name_plural = _("sampled subsidy applications")
        ordering = ["draw", "stratum", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "application"], name="subsidy_sampled_once_per_draw"
            )
        ]

    def __str__(self) -> str:
        return f"subsidy draw {self.draw_id}: application {self.application_id}"
