"""What the rules read of a person beyond the member row: further disability certificates,
the six-item self-care assessment, and the household's legal supporters (issue 21,
items 6–8). Rows are written only by ``services/persons.py``, each write audited."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.fieldcrypt.fields import BlindIndexField, EncryptedField

from ..choices import DisabilityKind, Relationship

MONEY = {"max_digits": 12, "decimal_places": 2}
GRADES = [(1, _("Grade 1")), (2, _("Grade 2")), (3, _("Grade 3")), (4, _("Grade 4"))]


class DisabilityCertificate(models.Model):
    """A further disability certificate (残疾人证) of a member besides the one on the member
    row: 多重残疾 and the most severe grade count [A2021 Art.8; TK2021 Art.5]."""

    member = models.ForeignKey(
        "assistance.Member", on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("disability"), max_length=20, choices=DisabilityKind.choices)
    grade = models.PositiveSmallIntegerField(_("disability grade"), choices=GRADES)
    number = models.CharField(_("certificate number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("disability certificate")
        verbose_name_plural = _("disability certificates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=4), name="certificate_grade_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grade}"


class SelfCareAssessment(models.Model):
    """The six-item self-care assessment of a member [TK2021 Art.21–22], with its date and
    assessor; the latest one sets the 特困 care amount. Each item is True when the
    person manages it alone."""

    member = models.ForeignKey(
        "assistance.Member", on_delete=models.CASCADE, related_name="self_care_assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    eating = models.BooleanField(_("eats unaided"))
    dressing = models.BooleanField(_("dresses unaided"))
    bed_transfer = models.BooleanField(_("gets in and out of bed unaided"))
    toileting = models.BooleanField(_("uses the toilet unaided"))
    indoor_walking = models.BooleanField(_("walks indoors unaided"))
    bathing = models.BooleanField(_("bathes unaided"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    ITEMS = ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing")

    class Meta:
        verbose_name = _("self-care assessment")
        verbose_name_plural = _("self-care assessments")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.assessed_on:%Y-%m-%d}: {self.failed_items}/6"

    @property
    def failed_items(self) -> int:
        return sum(1 for item in self.ITEMS if not getattr(self, item))


class SelfCareChange(models.Model):
    """A reported change of a member's self-care situation [TK2021 Art.23]: the member is
    re-assessed by ``due_on`` (working days from the report, the division's dated time
    limit). The first assessment of the member dated on or after the report clears it.
    Written only by ``services/persons.py``, each write audited."""

    member = models.ForeignKey(
        "assistance.Member", on_delete=models.CASCADE, related_name="self_care_changes"
    )
    reported_on = models.DateField(_("change reported on"))
    report = models.CharField(_("what was reported"), max_length=500)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    due_on = models.DateField(_("re-assessment due by"))
    working_days = models.PositiveSmallIntegerField(_("working days allowed"))
    cleared_by = models.ForeignKey(
        SelfCareAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cleared_changes",
        verbose_name=_("cleared by the assessment"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reported change of self-care")
        verbose_name_plural = _("reported changes of self-care")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["cleared_by", "due_on"])]

    def __str__(self) -> str:
        return f"{self.reported_on:%Y-%m-%d} → {self.due_on:%Y-%m-%d}"


class Supporter(models.Model):
    """A legal supporter (赡养/抚养/扶养义务人) of the applicant, with the facts TK2021
    Art.8 reads; the rules compute from them whether the supporter can support."""

    application = models.ForeignKey(
        "assistance.Application", on_delete=models.CASCADE, related_name="supporters"
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedField(
        _("ID number"), kind="id_number", max_length=18, blind_index="id_number_bidx"
    )
    id_number_bidx = BlindIndexField(of="id_number", db_index=True)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    birth_date = models.DateField(_("birth date"))
    is_tekun = models.BooleanField(_("is an extreme-poverty person"), default=False)
    dibao_recipient = models.BooleanField(_("receives the minimum living allowance"), default=False)
    annual_income = models.DecimalField(
        _("income over the last year (yuan)"), default=Decimal("0"), **MONEY
    )
    deposits = models.DecimalField(_("financial assets (yuan)"), default=Decimal("0"), **MONEY)
    homes = models.PositiveSmallIntegerField(_("homes"), default=0)
    vehicles = models.JSONField(_("vehicle kinds"), default=list, blank=True)
    market_entities = models.PositiveSmallIntegerField(_("market-entity registrations"), default=0)
    disability_kind = models.CharField(
        _("disability"), max_length=20, choices=DisabilityKind.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True, choices=GRADES
    )
    incapacitated = models.BooleanField(_("without legal capacity"), default=False)
    missing = models.BooleanField(_("declared missing"), default=False)
    imprisoned = models.BooleanField(_("serving a prison sentence"), default=False)

    class Meta:
        verbose_name = _("legal supporter")
        verbose_name_plural = _("legal supporters")

    def __str__(self) -> str:
        return self.name
