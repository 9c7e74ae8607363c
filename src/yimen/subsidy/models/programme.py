"""The programme, its yearly targets and figures, the schemes and their dated rate table."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
