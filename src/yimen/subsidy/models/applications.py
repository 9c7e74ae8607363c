"""Applications (申报书), items, claims on serials and invoices, photos, objections and
the county's review requests."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .programme import COORD, METRE, MONEY, QTY, FeedMethod, ItemType, PitMaterial, RateUnit, Scheme
from .units import Unit


class Status(models.TextChoices):
    """The application (申报书) from draft to payment."""

    DRAFT = "draft", _("Draft")  # being filled in, by the unit or at the counter
    SUBMITTED = "submitted", _("Submitted, to be inspected")
    INSPECTED = "inspected", _("Inspected, to be reviewed")
    APPROVED = "approved", _("Approved, to be disclosed")
    REFUSED = "refused", _("Refused")
    DISCLOSED = "disclosed", _("Disclosed")  # payable once the period ends unobjected
    PAID = "paid", _("Paid")
    LAPSED = "lapsed", _("Not submitted by the deadline: deemed given up")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online, by the unit")
    COUNTER = "counter", _("At the counter, on the unit's behalf")


class Application(models.Model):
    """A unit's 申报书 for a scheme: its items, and the state of the whole claim."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="applications")
    # copied from the unit: every scoped read filters on it (no join)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspector_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspector_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspection_note = models.TextField(_("inspection note"), blank=True)
    computed_amount = models.DecimalField(_("computed amount"), null=True, blank=True, **MONEY)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    # what the signed approval covers, from the items found on site: the programme's
    # dashboard sums these per application instead of scanning every item
    approved_pit_m3 = models.DecimalField(_("approved pit volume (m³)"), default=0, **QTY)
    approved_feed_t = models.DecimalField(_("approved feed (t)"), default=0, **QTY)
    approved_feed_m3 = models.DecimalField(_("approved feed (m³)"), default=0, **QTY)
    approved_machines = models.PositiveIntegerField(_("approved machines"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    disclosed_at = models.DateTimeField(_("disclosed at"), null=True, blank=True)
    disclosure_ends = models.DateTimeField(_("disclosure ends"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("subsidy application")
        verbose_name_plural = _("subsidy applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="subsidy_one_application")
        ]
        indexes = [
            models.Index(fields=["scheme", "status"]),
            models.Index(fields=["division", "status"]),
        ]

    def __str__(self) -> str:
        return self.number


class Finding(models.TextChoices):
    AS_DECLARED = "as_declared", _("As declared")
    DIFFERS = "differs", _("Differs from the declaration")
    NOT_FOUND = "not_found", _("Not found on site")


class Item(models.Model):
    """One subsidised thing of an application: a pit, a lot of feed or a machine, with the
    facts the unit declared, what the inspectors measured and the amounts."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    # a pit
    latitude = models.DecimalField(_("latitude"), null=True, blank=True, **COORD)
    longitude = models.DecimalField(_("longitude"), null=True, blank=True, **COORD)
    material = models.CharField(
        _("material"), max_length=10, choices=PitMaterial.choices, blank=True
    )
    length_m = models.DecimalField(_("length (m)"), null=True, blank=True, **METRE)
    width_m = models.DecimalField(_("width (m)"), null=True, blank=True, **METRE)
    depth_m = models.DecimalField(_("depth (m)"), null=True, blank=True, **METRE)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    # straw feed
    crop_year = models.PositiveSmallIntegerField(_("crop year"), null=True, blank=True)
    method = models.CharField(
        _("storage method"), max_length=10, choices=FeedMethod.choices, blank=True
    )
    quantity = models.DecimalField(_("quantity"), null=True, blank=True, **QTY)
    quantity_unit = models.CharField(
        _("quantity unit"), max_length=10, choices=RateUnit.choices, blank=True
    )
    # a machine
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("factory serial number"), max_length=60, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    # the inspection
    measured_length_m = models.DecimalField(
        _("measured length (m)"), null=True, blank=True, **METRE
    )
    measured_width_m = models.DecimalField(_("measured width (m)"), null=True, blank=True, **METRE)
    measured_depth_m = models.DecimalField(_("measured depth (m)"), null=True, blank=True, **METRE)
    measured_quantity = models.DecimalField(_("measured quantity"), null=True, blank=True, **QTY)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    finding_note = models.CharField(_("finding note"), max_length=500, blank=True)
    # the review
    computed_amount = models.DecimalField(_("computed amount"), null=True, blank=True, **MONEY)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    explanation = models.JSONField(_("how the amount was computed"), default=list, blank=True)
    departure_reason = models.CharField(
        _("reason for departing from the computed amount"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["application", "pk"]
        indexes = [
            models.Index(fields=["serial_number"]),
            models.Index(fields=["invoice_number"]),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.item_type}/{self.pk}"

    @property
    def declared_volume(self) -> Decimal | None:
        if None in (self.length_m, self.width_m, self.depth_m):
            return None
        return self.length_m * self.width_m * self.depth_m  # type: ignore[operator]

    @property
    def measured_volume(self) -> Decimal | None:
        if None in (self.measured_length_m, self.measured_width_m, self.measured_depth_m):
            return None
        return self.measured_length_m * self.measured_width_m * self.measured_depth_m  # type: ignore[operator]


class ClaimKind(models.TextChoices):
    SERIAL = "serial", _("Machine serial number")
    INVOICE = "invoice", _("Invoice number")


class Claim(models.Model):
    """A machine's serial number or invoice, claimed once across every scheme and year: the
    unique key is the guard, so two units submitting the same invoice at the same moment
    cannot both win. Written when an application is submitted."""

    kind = models.CharField(max_length=10, choices=ClaimKind.choices)
    key = models.CharField(max_length=60)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        verbose_name = _("claimed serial or invoice")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="subsidy_claim_once")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class PhotoStage(models.TextChoices):
    APPLICATION = "application", _("With the application")
    INSPECTION = "inspection", _("Taken at the inspection")


class DocumentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    INVOICE = "invoice", _("Invoice")
    IDENTITY = "identity", _("ID card or business licence")


class Photo(models.Model):
    """A photo or scanned invoice of an application, with where and when it was taken. A
    photo farther from the item's declared place than the scheme allows is flagged."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=PhotoStage.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="subsidy/%Y/%m/")
    latitude = models.DecimalField(_("latitude"), null=True, blank=True, **COORD)
    longitude = models.DecimalField(_("longitude"), null=True, blank=True, **COORD)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the item (m)"), null=True, blank=True)
    far = models.BooleanField(_("far from the declared place"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo or document")
        verbose_name_plural = _("photos and documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.kind}/{self.pk}"


class Objection(models.Model):
    """An objection to a disclosed application; it reopens the review."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("name"), max_length=50)
    contact = models.CharField(_("contact"), max_length=60)
    text = models.TextField(_("objection"))
    lodged_at = models.DateTimeField(_("lodged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-lodged_at"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.lodged_at:%Y-%m-%d}"


class ReviewRequest(models.Model):
    """The county supervisor asks the bureau to look at an application again; the bureau
    answers in writing. It decides nothing by itself (supervision only)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="review_requests"
    )
    comment = models.TextField(_("what to review"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review request")
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.raised_at:%Y-%m-%d}"
