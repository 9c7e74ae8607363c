"""Fire points (satellite detections and reports), the cases they open, the clock's
escalations, and the on-site verification with its photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tree import BurnPermit, Unit, ZoneKind


class Source(models.TextChoices):
    VIIRS = "viirs", _("NASA FIRMS VIIRS 375 m")
    MODIS = "modis", _("NASA FIRMS MODIS 1 km")
    BULLETIN = "bulletin", _("Provincial bulletin")
    PATROL = "patrol", _("Patrol report")
    HOTLINE = "hotline", _("Hotline report")


SATELLITE_SOURCES = (Source.VIIRS, Source.MODIS, Source.BULLETIN)


class FireImport(models.Model):
    """One file of fire points, imported as a whole (every row or none)."""

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("fingerprint"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    new = models.PositiveIntegerField(_("new fire points"))
    duplicates = models.PositiveIntegerField(_("already imported"))
    outside = models.PositiveIntegerField(_("outside our area"), default=0)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)
    joined = models.PositiveIntegerField(_("joined an open case"), default=0)
    permitted = models.PositiveIntegerField(_("permitted burnings"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("fire-point import")
        verbose_name_plural = _("fire-point imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows})"


class Placement(models.TextChoices):
    """How a fire point found its unit."""

    IN_GRID = "in_grid", _("Inside a grid")
    NEAREST = "nearest", _("Nearest unit (outside every grid)")
    COUNTY = "county", _("County, no grid (unassigned)")
    OUTSIDE = "outside", _("Outside our area")


class CaseStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched, awaiting arrival")  # the on-site clock runs
    ON_SITE = "on_site", _("On site, awaiting verification")
    VERIFIED = "verified", _("Verified, awaiting the township's signature")
    CLOSED = "closed", _("Closed, signed by the township")
    PERMITTED = "permitted", _("Permitted burning, recorded")  # closed at once


OPEN_STATUSES = (CaseStatus.DISPATCHED, CaseStatus.ON_SITE, CaseStatus.VERIFIED)


class Outcome(models.TextChoices):
    STRAW_FIRE = "straw_fire", _("Straw fire, extinguished")
    INDUSTRIAL = "industrial", _("Not straw: industrial heat source")
    FALSE = "false", _("Not straw: false detection or other fire")
    PERMITTED = "permitted", _("Permitted planned burning")
    OUTSIDE = "outside", _("Outside our area")


#: the outcomes that say why it was not a straw fire, so a reason is required
NEEDS_REASON = (Outcome.INDUSTRIAL, Outcome.FALSE, Outcome.OUTSIDE)


class FireCase(models.Model):
    """One fire on the ground: opened by a detection (later nearby ones join it), routed to
    the grid's responsible person and its township, and run against the clock."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    county_code = models.CharField(_("county code"), max_length=6)
    township_code = models.CharField(_("township code"), max_length=9, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    zone_kind = models.CharField(_("zone"), max_length=10, choices=ZoneKind.choices)
    permit = models.ForeignKey(
        BurnPermit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("permit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, editable=False
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    grid_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grid head"),
    )
    first_detected_at = models.DateTimeField(_("first detected at"))
    last_detected_at = models.DateTimeField(_("last detected at"))
    opened_at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    arrive_due_at = models.DateTimeField(_("on site by"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("verified by"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    close_note = models.CharField(_("closing note"), max_length=500, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalated levels"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    burnt_area_m2 = models.FloatField(_("burnt area (m²)"), null=True, blank=True)
    photo_flagged = models.BooleanField(_("a photo is far from the fire point"), default=False)

    class Meta:
        verbose_name = _("fire case")
        verbose_name_plural = _("fire cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["county_code", "status"]),
            models.Index(fields=["status", "arrive_due_at"]),
            models.Index(fields=["opened_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def arrival_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_open
            and self.arrived_at is None
            and self.arrive_due_at is not None
            and now > self.arrive_due_at
        )

    def verification_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_open
            and self.verified_at is None
            and self.verify_due_at is not None
            and now > self.verify_due_at
        )

    def response_minutes(self) -> int | None:
        """Minutes from dispatch to arrival on site."""
        if self.arrived_at is None:
            return None
        return max(0, int((self.arrived_at - self.opened_at).total_seconds() // 60))


class Detection(models.Model):
    """A fire point: a satellite pixel (its centre, WGS-84) or a report from the ground."""

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # what makes a re-import idempotent: source, satellite, position (1e-5°) and time
    key = models.CharField(_("key"), max_length=64, unique=True)
    fire_import = models.ForeignKey(
        FireImport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detections",
        verbose_name=_("import"),
    )
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    satellite = models.CharField(_("satellite"), max_length=30, blank=True)
    instrument = models.CharField(_("instrument"), max_length=10, blank=True)
    version = models.CharField(_("version"), max_length=20, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    acquired_at = models.DateTimeField(_("acquired at"))  # stored in UTC, shown in Beijing time
    time_known = models.BooleanField(_("time of day known"), default=True)
    day = models.DateField(_("day (Beijing)"))
    confidence = models.CharField(_("confidence"), max_length=10, blank=True)
    confidence_level = models.CharField(_("confidence class"), max_length=8, blank=True)
    brightness = models.FloatField(_("brightness (K)"), null=True, blank=True)
    brightness_2 = models.FloatField(_("second channel (K)"), null=True, blank=True)
    frp = models.FloatField(_("fire radiative power (MW)"), null=True, blank=True)
    scan = models.FloatField(_("scan"), null=True, blank=True)
    track = models.FloatField(_("track"), null=True, blank=True)
    daynight = models.CharField(_("day/night"), max_length=1, blank=True)
    reported_place = models.CharField(_("reported place"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    placement = models.CharField(_("placement"), max_length=10, choices=Placement.choices)
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detections",
        verbose_name=_("unit"),
    )
    distance_m = models.FloatField(_("distance to the unit (m)"), null=True, blank=True)
    division = models.ForeignKey(
        "regions.Division",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
    )
    county_code = models.CharField(_("county code"), max_length=6, blank=True)
    zone_kind = models.CharField(_("zone"), max_length=10, choices=ZoneKind.choices, blank=True)
    permit = models.ForeignKey(
        BurnPermit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detections",
        verbose_name=_("permit"),
    )
    case = models.ForeignKey(
        FireCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="detections",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("fire point")
        verbose_name_plural = _("fire points")
        ordering = ["-acquired_at"]
        indexes = [models.Index(fields=["county_code", "day"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.latitude:.4f},{self.longitude:.4f}"


class Escalation(models.Model):
    """An overdue case put before the next level of the 包保 chain."""

    class Reason(models.TextChoices):
        ARRIVAL = "arrival", _("Not on site in time")
        VERIFICATION = "verification", _("Not verified in time")

    case = models.ForeignKey(
        FireCase, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("case")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("answerable unit")
    )
    people = models.CharField(_("people told"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["case", "level"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level"], name="burning_escalation_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} ↑{self.level}"


class Verification(models.Model):
    """What the field person found on site. A township may return it for another look; the
    latest one counts."""

    case = models.ForeignKey(
        FireCase, on_delete=models.CASCADE, related_name="verifications", verbose_name=_("case")
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    burnt_area_m2 = models.FloatField(_("burnt area (m²)"), null=True, blank=True)
    responsible_party = models.CharField(_("responsible party"), max_length=200, blank=True)
    handling = models.CharField(_("how the burner was dealt with"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.CharField(_("why it was returned"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["case", "-created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.outcome}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"burning/{instance.verification.case_id}/{filename}"


class Photo(models.Model):
    """A photo from the site, with where and when it was taken (from its EXIF data, else
    from the phone's position when it was sent) and its distance from the fire point."""

    class Position(models.TextChoices):
        EXIF = "exif", _("From the photo (EXIF)")
        DEVICE = "device", _("From the phone when sent")
        NONE = "none", _("Unknown")

    verification = models.ForeignKey(
        Verification,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=_("verification"),
    )
    file = models.FileField(_("file"), upload_to=photo_path)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    position = models.CharField(_("position from"), max_length=8, choices=Position.choices)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    distance_m = models.FloatField(_("distance from the fire point (m)"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["verification", "pk"]

    def __str__(self) -> str:
        return self.file.name
