"""The straw-to-meat (秸秆变肉) subsidy: the programme and its schemes as dated data, the
rate table, the surveyed units, applications (申报书) with their items and photos, the
field inspection, the signed decision, the disclosure and its objections, payment batches
with their lines and fund ledger, review requests from the county, and the programme's
yearly figures.

Statuses change only in ``transitions.py``; the rules that read these rows are pure
functions in ``rules.py``. Every number the sources did not confirm (rates, minimums, caps,
the disclosure period, distances) is a row or a field here, marked ``placeholder``: staff
see "示例参数，待确认", never a constant in the code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.benefits.models.payments import Immutable

MONEY = {"max_digits": 14, "decimal_places": 2}
QTY = {"max_digits": 12, "decimal_places": 2}
METRE = {"max_digits": 7, "decimal_places": 2}
COORD = {"max_digits": 9, "decimal_places": 6}


class ApplicantType(models.TextChoices):
    """Who may apply (Yushu pilot); a scheme lists the ones it admits."""

    FARM = "farm", _("Herbivore farm or household")  # 草食畜养殖场户
    COOPERATIVE = "cooperative", _("Herbivore cooperative")  # 草食畜养殖合作社
    PROCESSOR = "processor", _("Straw-feed processor (enterprise or cooperative)")


class IdKind(models.TextChoices):
    ID_NUMBER = "ric", _("Resident ID number")  # 居民身份证号, households
    USCC = "uscc", _("Unified social credit code")  # 统一社会信用代码, firms and cooperatives


class ItemType(models.TextChoices):
    PIT = "pit", _("Storage pit")  # 贮窖
    FEED = "feed", _("Straw feed")  # 秸秆饲料
    MACHINE = "machine", _("Straw-processing machine")  # 秸秆饲料加工机械


class PitMaterial(models.TextChoices):
    BRICK = "brick", _("Brick")
    STONE = "stone", _("Stone")
    CONCRETE = "concrete", _("Concrete")
    WOOD = "wood", _("Wood")
    EARTH = "earth", _("Earth")
    OTHER = "other", _("Other")


class FeedMethod(models.TextChoices):
    """The storage methods of 黄贮 feed, and the two processed feeds."""

    PIT = "pit", _("Fermented in a pit")  # 贮窖发酵收贮
    WRAPPED = "wrapped", _("Wrapped bales")  # 裹包收贮
    PILE = "pile", _("Pile")  # 堆贮
    BAG = "bag", _("Bag")  # 袋贮
    PUFFED = "puffed", _("Puffed straw")  # 秸秆膨化
    SHREDDED = "shredded", _("Shredded straw")  # 揉丝


class RateUnit(models.TextChoices):
    CUBIC_METRE = "m3", _("cubic metre")
    TONNE = "t", _("tonne")
    MACHINE = "machine", _("machine")


class Programme(models.Model):
    """A provincial programme (the 2020 秸秆变肉 plan) with its targets."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    target_year = models.PositiveSmallIntegerField(_("target year"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Metric(models.TextChoices):
    """What the programme's targets and yearly figures count."""

    STRAW_FEED_T = "straw_feed_t", _("Straw used as feed (t)")
    FEED_RATE_PCT = "feed_rate_pct", _("Straw-to-feed rate (%)")
    CATTLE_ADDED = "cattle_added", _("Beef cattle added")
    SHEEP_ADDED = "sheep_added", _("Sheep added")


class ProgrammeTarget(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("programme target")
        constraints = [
            models.UniqueConstraint(fields=["programme", "metric"], name="subsidy_one_target")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.metric} {self.value}"


class ProgressFigure(models.Model):
    """A yearly figure of a division towards a target, entered by the bureau."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="figures")
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("programme figure")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "division", "year", "metric"], name="subsidy_one_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year} {self.metric} {self.value}"


class Scheme(models.Model):
    """A county's subsidy scheme under a programme (the Yushu pilot): its area, its window
    (the deadline is an instant, stored aware; Beijing time on every page), who may apply,
    the eligibility parameters and the disclosure period. Another county's scheme is
    another row (Django admin), with its own dates and rates: no code."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="schemes")
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("county")
    )
    opens_at = models.DateTimeField(_("applications open"))
    deadline = models.DateTimeField(_("deadline (instant)"))
    applicant_types = models.JSONField(_("applicant types admitted"), default=list)
    earliest_work_date = models.DateField(_("pits built / machines bought on or after"))
    crop_year = models.PositiveSmallIntegerField(_("crop year of the straw"))
    pit_materials = models.JSONField(_("pit materials admitted"), default=list)
    feed_methods = models.JSONField(_("feed methods admitted"), default=list)
    same_pit_metres = models.PositiveIntegerField(
        _("a pit within this distance of a claimed one is the same pit (m)"), default=30
    )
    photo_metres = models.PositiveIntegerField(
        _("photos farther than this from the declared place are flagged (m)"), default=200
    )
    disclosure_days = models.PositiveSmallIntegerField(_("disclosure period (days)"), default=7)
    placeholder = models.BooleanField(_("values not confirmed"), default=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name


class Rate(models.Model):
    """One row of the rate table, in force from ``valid_from``: the rate per unit of an item
    type, the minimum quantity, caps per item and per applicant, and the factor that turns a
    volume into tonnes. No source gives Yushu's figures: rows are placeholders until set."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rates")
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=RateUnit.choices)
    rate = models.DecimalField(_("rate (yuan per unit)"), **MONEY)
    min_quantity = models.DecimalField(_("minimum quantity"), default=Decimal("0"), **QTY)
    cap_per_item = models.DecimalField(_("cap per item (yuan)"), null=True, blank=True, **MONEY)
    cap_per_applicant = models.DecimalField(
        _("cap per applicant (yuan)"), null=True, blank=True, **MONEY
    )
    tonnes_per_m3 = models.DecimalField(
        _("tonnes per cubic metre"), max_digits=6, decimal_places=3, default=Decimal("0.700")
    )
    valid_from = models.DateField(_("valid from"))
    placeholder = models.BooleanField(_("values not confirmed"), default=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rates")
        ordering = ["scheme", "item_type", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "item_type", "valid_from"], name="subsidy_rate_dated"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.item_type} {self.rate}/{self.unit}"


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


class PaymentBatch(Immutable):
    """One issued batch of a scheme, paid to the units' farm-subsidy cards (惠农补贴一卡通).
    Written once, with its lines and ledger; final (``Immutable``, as the assistance rolls)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="batches")
    number = models.PositiveIntegerField(_("batch number"))
    units = models.PositiveIntegerField(_("units"))
    total_amount = models.DecimalField(_("total (yuan)"), **MONEY)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    digest = models.CharField(_("SHA-256 of the lines"), max_length=64)

    class Meta:
        verbose_name = _("subsidy payment batch")
        verbose_name_plural = _("subsidy payment batches")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="subsidy_batch_number")
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} #{self.number}"


class PaymentLine(Immutable):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    # one line per application, ever: a second batch cannot pay it again
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="payment"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payee_name = models.CharField(_("payee"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("card number"), max_length=32)
    reference = models.CharField(_("reference"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("subsidy payment line")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class LedgerEntry(Immutable):
    """Funds paid per batch and item type; reconciled to the fen with the lines."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="ledger")
    item_type = models.CharField(_("item type"), max_length=10, choices=ItemType.choices)
    items = models.PositiveIntegerField(_("items"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subsidy fund ledger entry")
        constraints = [
            models.UniqueConstraint(fields=["batch", "item_type"], name="subsidy_ledger_type")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.item_type} {self.amount}"
