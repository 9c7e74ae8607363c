"""A household's application (一门式受理): members, income, assets, consents, materials."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.fieldcrypt.fields import BlindIndexField, EncryptedField
from yimen.people import age_on

from ..choices import (
    AssetKind,
    AssistanceType,
    AttachmentKind,
    Channel,
    ConsentKind,
    DisabilityKind,
    HukouType,
    IncomeCategory,
    PaymentAccountKind,
    Relationship,
    VehicleKind,
    WorkAbility,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # a discovery report or an entry not yet submitted
    SUBMITTED = "submitted", _("Submitted")  # a workflow case exists; its status rules
    DISCARDED = "discarded", _("Discarded")  # a draft the township dropped, with reason


class Application(models.Model):
    """One household's application for assistance; becomes a workflow case when submitted."""

    case = models.OneToOneField(
        "workflow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
        verbose_name=_("case"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village or community"),
    )
    address = models.CharField(_("address"), max_length=200)
    hukou_type = models.CharField(
        _("household registration"), max_length=10, choices=HukouType.choices
    )
    assistance_type = models.CharField(
        _("assistance applied for"), max_length=20, choices=AssistanceType.choices
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("applicant account"),
    )
    entrusted_name = models.CharField(_("entrusted person"), max_length=50, blank=True)
    # personal values SM4-encrypted at rest, found by their blind index (yimen.fieldcrypt)
    entrusted_id_number = EncryptedField(
        _("entrusted person's ID number"),
        kind="id_number",
        max_length=18,
        blank=True,
        blind_index="entrusted_id_number_bidx",
    )
    entrusted_id_number_bidx = BlindIndexField(of="entrusted_id_number")
    entrusted_relation = models.CharField(_("relation to the household"), max_length=50, blank=True)
    discovery_note = EncryptedField(_("discovery report"), kind="text", blank=True)
    phone = EncryptedField(
        _("phone number"), kind="phone", max_length=20, blank=True, blind_index="phone_bidx"
    )
    phone_bidx = BlindIndexField(of="phone")
    # free text about the household's hardship, often its health and disabilities
    reason = EncryptedField(_("reason for applying"), kind="text", blank=True)
    payment_bank = models.CharField(_("bank"), max_length=100, blank=True)
    payment_account_kind = models.CharField(
        _("kind of account"), max_length=10, blank=True, choices=PaymentAccountKind.choices
    )
    payment_account = EncryptedField(
        _("account number"),
        kind="account",
        max_length=32,
        blank=True,
        blind_index="payment_account_bidx",
    )
    payment_account_bidx = BlindIndexField(of="payment_account")
    # the head's pinyin initials (张建明 → zjm), for finding the case by initials
    head_initials = models.CharField(_("pinyin initials"), max_length=50, blank=True)
    relative_of_staff = models.BooleanField(_("relative of assistance staff"), default=False)
    relative_note = models.CharField(_("relative of whom"), max_length=200, blank=True)
    receipt_code = models.CharField(_("receipt code"), max_length=8, blank=True)
    # 特困 [TK2021 Art.4, Art.8]: the caseworker's finding on the legal supporters
    has_able_supporter = models.BooleanField(
        _("has a legal supporter able to support"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Empty: the rules decide from the supporters recorded (TK2021 Art.8). Yes or "
            "no: the caseworker's finding, with its reason in the note; it decides and is "
            "audited as a departure."
        ),
    )
    supporter_note = models.CharField(_("note on supporters"), max_length=200, blank=True)
    # 分档 [A2021 Art.23]: a tier code of the parameter set in force; blank = 补差
    hardship_tier = models.CharField(
        _("hardship tier"),
        max_length=50,
        blank=True,
        help_text=_(
            "Only where the division's parameters have tiers: the 低保 amount is then the "
            "tier's amount per person × members; left blank, the difference to the standard "
            "is paid."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["division", "status"])]

    def __str__(self) -> str:
        return f"{self.head_name} ({self.get_assistance_type_display()})"

    @property
    def head(self) -> Member | None:
        return next((m for m in self.members.all() if m.relationship == Relationship.HEAD), None)

    @property
    def head_name(self) -> str:
        head = self.head
        return head.name if head else ""


class Member(models.Model):
    """A member of the household living together (共同生活的家庭成员 [A2021 Art.7])."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="members", verbose_name=_("application")
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedField(
        _("ID number"), kind="id_number", max_length=18, blind_index="id_number_bidx"
    )
    id_number_bidx = BlindIndexField(of="id_number", db_index=True)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(
        _("sex"), max_length=1, editable=False, choices=[("M", _("Male")), ("F", _("Female"))]
    )
    disability_kind = models.CharField(
        _("disability"), max_length=20, blank=True, choices=DisabilityKind.choices
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"),
        null=True,
        blank=True,
        choices=[(1, _("Grade 1")), (2, _("Grade 2")), (3, _("Grade 3")), (4, _("Grade 4"))],
    )
    serious_illness = models.BooleanField(_("serious illness"), default=False)
    work_ability = models.CharField(
        _("work ability"), max_length=10, choices=WorkAbility.choices, default=WorkAbility.FULL
    )
    student = models.BooleanField(
        _("student (compulsory education, high school or vocational school)"),
        default=False,
        help_text=_(
            "In compulsory education, general high school (普通高中) or secondary vocational "
            "school (中职); not university. For 特困 such a student aged 18 or more keeps "
            "support only if supported as a 特困 minor."
        ),
    )
    tekun_as_minor = models.BooleanField(
        _("supported as an extreme-poverty minor"),
        default=False,
        help_text=_(
            "Was supported as a 特困 minor: past 18 such a member keeps 特困 support while "
            "still in compulsory education, 普通高中 or 中职 (TK2021)."
        ),
    )
    living_apart = models.BooleanField(_("living apart"), default=False)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "id_number_bidx"], name="member_once_per_application"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    def is_adult_on(self, day: date) -> bool:
        return self.age_on(day) >= 18


class Income(models.Model):
    """A member's monthly income in one category; exempt categories are kept, not counted."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="incomes", verbose_name=_("member")
    )
    category = models.CharField(_("category"), max_length=20, choices=IncomeCategory.choices)
    monthly_amount = models.DecimalField(_("monthly amount (yuan)"), **MONEY)
    period_amount = models.DecimalField(
        _("seasonal or irregular income over the look-back period (yuan)"),
        default=Decimal("0"),
        help_text=_(
            "The total received over the parameter set's look-back months; averaged over "
            "them before the monthly comparison."
        ),
        **MONEY,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("income")
        verbose_name_plural = _("incomes")

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.monthly_amount}"

    @property
    def counted(self) -> bool:
        return IncomeCategory(self.category).counted


class Asset(models.Model):
    """A household asset as declared; verification later compares it with partner records."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assets", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    value = models.DecimalField(_("value (yuan)"), default=Decimal("0"), **MONEY)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    vehicle_kind = models.CharField(
        _("vehicle kind"), max_length=20, blank=True, choices=VehicleKind.choices
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class Consent(models.Model):
    """A member's signed promise or verification authorisation (every adult needs both)."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="consents", verbose_name=_("member")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="one_consent_each")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.signed_on}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"assistance/{instance.application_id}/{filename}"


class Attachment(models.Model):
    """A scan or photo of a material, with its type; size and type are checked on upload."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.size} B)"

    @property
    def file_name(self) -> str:
        """The file's name as uploaded (what a person recognises), without the folder."""
        return self.file.name.rsplit("/", 1)[-1]
