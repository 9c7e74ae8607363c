"""Answering for fire points: the county's re-check of closed cases, summons (约谈) with
their rectification reports, warnings, notices and deductions, and the inspection groups
with their counties and visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fires import FireCase


class RecheckDraw(models.Model):
    """A reproducible random sample of a county's closed cases for re-checking."""

    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    period_from = models.DateField(_("closed from"))
    period_to = models.DateField(_("closed until"))
    seed = models.CharField(_("seed"), max_length=64)
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    population = models.PositiveIntegerField(_("closed cases"))
    population_digest = models.CharField(_("population fingerprint"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-check sample")
        verbose_name_plural = _("re-check samples")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.county_id} {self.period_from}–{self.period_to} ({self.seed})"


class RecheckFinding(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed as closed")
    DISCREPANCY = "discrepancy", _("Does not match the closing record")


class RecheckItem(models.Model):
    draw = models.ForeignKey(
        RecheckDraw, on_delete=models.CASCADE, related_name="items", verbose_name=_("sample")
    )
    case = models.ForeignKey(
        FireCase, on_delete=models.PROTECT, related_name="rechecks", verbose_name=_("case")
    )
    stratum = models.CharField(_("township"), max_length=12)
    rank = models.PositiveIntegerField(_("rank"))
    finding = models.CharField(
        _("finding"), max_length=12, choices=RecheckFinding.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-checked case")
        verbose_name_plural = _("re-checked cases")
        ordering = ["draw", "stratum", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "case"], name="burning_recheck_once")
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.case_id}"


class Summons(models.Model):
    """约谈: who summoned whom, when, over which fire points; the rectification report is
    due some days later (30 in Shandong's 2017 rules; a setting) and recorded when it comes."""

    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division summoned"),
    )
    summoned_name = models.CharField(_("person summoned"), max_length=100)
    summoned_post = models.CharField(_("post"), max_length=100)
    summoner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("summoned by"),
    )
    summoner_office = models.CharField(_("office"), max_length=100)
    held_on = models.DateField(_("held on"))
    cases = models.ManyToManyField(
        FireCase, related_name="summonses", blank=True, verbose_name=_("fire cases")
    )
    problems = models.CharField(_("problems named"), max_length=1000)
    rectification_due = models.DateField(_("rectification report due"))
    report_received_on = models.DateField(_("report received on"), null=True, blank=True)
    report_note = models.CharField(_("report"), max_length=1000, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.summoned_name}"

    def report_overdue(self, today) -> bool:
        return self.report_received_on is None and today > self.rectification_due


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    NOTICE = "notice", _("Public notice (通报)")
    DEDUCTION = "deduction", _("Deduction from the county's funds")


class Penalty(models.Model):
    """A warning, notice or deduction against a county; a deduction names its fire case
    and is assessed once per case (the dated amounts in BurningSettings)."""

    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PenaltyKind.choices)
    case = models.ForeignKey(
        FireCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
        verbose_name=_("fire case"),
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    season = models.PositiveSmallIntegerField(_("season (year it starts)"))
    decided_on = models.DateField(_("decided on"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(kind="deduction"),
                name="burning_one_deduction_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.kind} {self.amount or ''}"


class InspectionGroup(models.Model):
    """One of the province's working groups (16 in the 2020 round)."""

    number = models.PositiveSmallIntegerField(_("group number"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    leader = models.CharField(_("leader"), max_length=100, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_groups", blank=True
    )

    class Meta:
        verbose_name = _("inspection group")
        verbose_name_plural = _("inspection groups")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class GroupCounty(models.Model):
    """A county a group answers for, from one day to another."""

    group = models.ForeignKey(
        InspectionGroup, on_delete=models.CASCADE, related_name="counties", verbose_name=_("group")
    )
    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))

    class Meta:
        verbose_name = _("group's county")
        verbose_name_plural = _("groups' counties")
        ordering = ["group", "date_from", "county"]

    def __str__(self) -> str:
        return f"{self.group} {self.county_id}"


class Visit(models.Model):
    """An inspection group's visit to one of its counties and what it found."""

    group = models.ForeignKey(
        InspectionGroup, on_delete=models.PROTECT, related_name="visits", verbose_name=_("group")
    )
    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    visited_on = models.DateField(_("visited on"))
    places = models.CharField(_("places"), max_length=300)
    findings = models.CharField(_("findings"), max_length=2000)
    cases = models.ManyToManyField(
        FireCase, related_name="visits", blank=True, verbose_name=_("fire cases found")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.group} {self.county_id} {self.visited_on}"
