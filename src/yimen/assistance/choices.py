"""The vocabulary of social-assistance applications (policy.md §1–3), as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssistanceType(models.TextChoices):
    DIBAO = "dibao", _("Minimum living allowance")  # 低保
    TEKUN = "tekun", _("Extreme-poverty support")  # 特困人员救助供养
    LOW_INCOME = "low_income", _("Low-income status")  # 低收入人口 (低保边缘)


class HukouType(models.TextChoices):
    URBAN = "urban", _("Urban household registration")
    RURAL = "rural", _("Rural household registration")


class Channel(models.TextChoices):
    """How the application reached the township (一门式: all land at the same door)."""

    COUNTER = "counter", _("Entered at the counter")  # caseworker on the applicant's behalf
    SELF = "self", _("Applied in person")
    ENTRUSTED = "entrusted", _("Applied by an entrusted person")  # 委托 [A2021 Art.6]
    DISCOVERY = "discovery", _("Active discovery report")  # 主动发现报告 by the village
    MOVED_IN = "moved_in", _("Moved in from the old system")  # issue 22: already on assistance


class PaymentAccountKind(models.TextChoices):
    """Where the allowance is paid (社会化发放): a bank card, or the 一卡通 account of the
    惠民惠农 subsidy scheme, which is often a passbook account without a card number."""

    CARD = "card", _("Bank card")  # 16–19 digits with the Luhn check digit (ISO/IEC 7812)
    YIKATONG = "yikatong", _("Yikatong (一卡通) account")  # 8–32 digits, as the bank issued it


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative with a support duty")


class DisabilityKind(models.TextChoices):
    NONE = "", _("None")
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class WorkAbility(models.TextChoices):
    FULL = "full", _("Able to work")
    PARTIAL = "partial", _("Partly unable to work")
    NONE = "none", _("Unable to work")


class IncomeCategory(models.TextChoices):
    """Income categories of [A2021 Art.13]; the exempt ones are recorded but not counted."""

    WAGES = "wages", _("Wages (net of employment costs)")
    BUSINESS = "business", _("Net business income")
    PROPERTY = "property", _("Net property income")
    TRANSFER = "transfer", _("Net transfer income")
    OTHER = "other", _("Other income")
    EXEMPT_PREFERENTIAL = (
        "x_preferential",
        _("Preferential treatment and pensions for martyrs' families (exempt)"),
    )
    EXEMPT_FAMILY_PLANNING = "x_family_planning", _("Family-planning rewards (exempt)")
    EXEMPT_SCHOLARSHIP = "x_scholarship", _("Scholarships (exempt)")
    EXEMPT_HEROISM = "x_heroism", _("Awards for acts of heroism (exempt)")
    EXEMPT_ASSISTANCE = "x_assistance", _("Government social assistance (exempt)")
    EXEMPT_BASIC_PENSION = (
        "x_basic_pension",
        _("Central basic pension of the residents' scheme (exempt)"),
    )
    # counted for 低保, left out for 特困 [TK2021 Art.6] (Params.tekun_exempt_income)
    ELDERLY_ALLOWANCE = "elderly_allowance", _("Old-age allowance (高龄津贴)")
    SOCIAL_INSURANCE = (
        "social_insurance",
        _("Medical and other social-insurance benefits"),
    )

    @property
    def counted(self) -> bool:
        return not self.value.startswith("x_")


class AssetKind(models.TextChoices):
    DEPOSIT = "deposit", _("Bank deposits")
    SECURITIES = "securities", _("Securities, funds, insurance")
    VEHICLE = "vehicle", _("Motor vehicle")
    HOUSING = "housing", _("Housing")
    MARKET_ENTITY = "market_entity", _("Market-entity registration")


class VehicleKind(models.TextChoices):
    """Vehicles; the exempt kinds follow [A2012 Art.17] and local practice (policy.md §1.3)."""

    CAR = "car", _("Car or other motor vehicle")
    DISABLED_CARRIAGE = "disabled_carriage", _("Disabled person's carriage (exempt)")
    MOTORCYCLE = "motorcycle", _("Motorcycle (exempt)")
    EBIKE = "ebike", _("Electric bicycle (exempt)")
    FARM = "farm", _("Farm vehicle for production (exempt)")

    @property
    def exempt(self) -> bool:
        return self != VehicleKind.CAR


class ConsentKind(models.TextChoices):
    PROMISE = "promise", _("Signed truthfulness promise")  # 承诺书
    AUTHORISATION = "authorisation", _("Verification authorisation")  # 授权书


class AttachmentKind(models.TextChoices):
    ID_CARD = "id_card", _("Identity card")
    HUKOU = "hukou", _("Household register")
    DISABILITY = "disability", _("Disability certificate")
    MEDICAL = "medical", _("Medical records")
    INCOME = "income", _("Income proof")
    PROMISE = "promise", _("Signed promise")
    AUTHORISATION = "authorisation", _("Signed authorisation")
    ENTRUSTMENT = "entrustment", _("Entrustment papers")
    VISIT_PHOTO = "visit_photo", _("Household visit photo")
    OTHER = "other", _("Other")
