"""The 包保 tree: units at each level linked to their division, the dated assignments of
the people who answer for them, the grids' boundaries, zones and permits, and the dated
settings (clocks, distances, amounts) per division."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.IntegerChoices):
    """The levels of the 包保 chain, top down (市 → 县 → 乡 → 村 → 网格/屯 → 地块)."""

    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township")
    VILLAGE = 5, _("Village")
    GRID = 6, _("Grid")
    PLOT = 7, _("Plot")


class GridImport(models.Model):
    """One GeoJSON file of grid boundaries a county uploaded, as a whole."""

    county = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("fingerprint"), max_length=64)
    synthetic = models.BooleanField(_("synthetic (not official) boundaries"), default=False)
    features = models.PositiveIntegerField(_("features"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("grid import")
        verbose_name_plural = _("grid imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.features})"


class Unit(models.Model):
    """A node of the 包保 tree. Units of the administrative levels stand for their division;
    grids and plots lie under a village and carry a polygon (GeoJSON, WGS-84)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    # the division the unit stands for (a grid: its village); scoping is by its code
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    county_code = models.CharField(_("county code"), max_length=6, db_index=True)
    geometry = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)
    synthetic = models.BooleanField(_("synthetic boundary"), default=False)
    grid_import = models.ForeignKey(
        GridImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        verbose_name=_("grid import"),
    )
    # 四个清: boundary, households, control rules, straw-removal method
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    control_rules = models.CharField(_("control rules"), max_length=300, blank=True)
    straw_removal = models.CharField(_("straw-removal method"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("包保 unit")
        verbose_name_plural = _("包保 units")
        ordering = ["code"]
        indexes = [models.Index(fields=["county_code", "level"])]

    def __str__(self) -> str:
        return self.name

    @property
    def has_boundary(self) -> bool:
        return self.geometry is not None

    @property
    def label(self) -> str:
        """The name, marked when the boundary is synthetic (wherever it is shown)."""
        if self.synthetic:
            return _("%(name)s (synthetic)") % {"name": self.name}
        return self.name


class AssignmentKind(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible person (包保责任人)")
    GRID_HEAD = "grid_head", _("Grid head (网格长)")


class Assignment(models.Model):
    """A named person answering for a unit from one day to another (inclusive); open-ended
    while ``valid_to`` is empty. A new assignment of the same kind ends the previous one the
    day before, so on any day at most one person of each kind answers for a unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssignmentKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="burning_assignments",
        verbose_name=_("person"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["unit", "kind", "valid_from"]
        indexes = [models.Index(fields=["unit", "kind", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind} {self.person_id} {self.valid_from}–{self.valid_to or ''}"

    @staticmethod
    def on(day: date) -> Q:
        """The assignments in force on ``day``."""
        return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class ZoneKind(models.TextChoices):
    BAN = "ban", _("Ban zone (禁烧区)")
    LIMITED = "limited", _("Limited-burning zone (限烧区)")


class Zone(models.Model):
    """What a grid is from one day on: a ban zone or a limited-burning zone. A grid with no
    zone in force is treated as a ban zone (the strict default)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="zones", verbose_name=_("grid")
    )
    kind = models.CharField(_("zone"), max_length=10, choices=ZoneKind.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["unit", "valid_from"]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind} {self.valid_from}"


class BurnPermit(models.Model):
    """A planned burning (计划烧除) allowed in a limited-burning grid for a window."""

    number = models.CharField(_("permit number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="permits", verbose_name=_("grid")
    )
    holder = models.CharField(_("holder"), max_length=100)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    area_mu = models.DecimalField(
        _("area (mu)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("planned-burning permit")
        verbose_name_plural = _("planned-burning permits")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.number


class BurningSettings(models.Model):
    """Clocks, distances and amounts per division and date (the nearest row up the tree,
    regions.dated). The defaults come from the sources in docs/burning.md; a row a
    province, city or county saves overrides them for its area from its date on."""

    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    valid_from = models.DateField(_("valid from"))
    arrive_minutes = models.PositiveIntegerField(_("on site within (minutes)"), default=30)
    verify_hours = models.PositiveIntegerField(_("verified within (hours)"), default=24)
    escalate_minutes = models.PositiveIntegerField(
        _("escalate one level up every (minutes overdue)"), default=60
    )
    join_metres = models.PositiveIntegerField(_("join an open case within (m)"), default=1000)
    join_hours = models.PositiveIntegerField(_("join an open case within (hours)"), default=24)
    nearest_metres = models.PositiveIntegerField(
        _("outside every grid: nearest unit within (m)"), default=500
    )
    county_metres = models.PositiveIntegerField(
        _("outside every grid: still the county's within (m)"), default=20000
    )
    photo_metres = models.PositiveIntegerField(_("photo flagged beyond (m)"), default=500)
    grid_tolerance_metres = models.PositiveIntegerField(
        _("grid may stick out of its parent by (m)"), default=50
    )
    rectification_days = models.PositiveIntegerField(
        _("rectification report due after a summons (days)"), default=30
    )
    recheck_percent = models.DecimalField(
        _("county re-checks (% of closed cases)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
    )
    first_point_yuan = models.DecimalField(
        _("deduction for a county's first fire point (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("500000"),
    )
    later_point_yuan = models.DecimalField(
        _("deduction for each later fire point (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("300000"),
    )
    # the ban period and the incentive window: from (month, day) to (month, day), crossing
    # the new year (1 Oct – 1 May in Jilin's incentive rules)
    season_start_month = models.PositiveSmallIntegerField(_("season starts (month)"), default=10)
    season_start_day = models.PositiveSmallIntegerField(_("season starts (day)"), default=1)
    season_end_month = models.PositiveSmallIntegerField(_("season ends (month)"), default=5)
    season_end_day = models.PositiveSmallIntegerField(_("season ends (day)"), default=1)
    placeholder = models.BooleanField(_("values not confirmed"), default=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("straw-burning settings")
        verbose_name_plural = _("straw-burning settings")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "valid_from"], name="burning_settings_dated"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.valid_from}"
