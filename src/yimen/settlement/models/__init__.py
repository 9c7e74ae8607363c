"""Models of cross-region direct settlement, split by subdomain."""

from .encounter import DailyTotal, Encounter, EncounterKind, FeeDetail, Settlement, SettlementStatus
from .filing import Filing, FilingCategory, FilingChannel, FilingStatus, PersonLink
from .interface import FsiMessage, SignIn
from .registry import CatalogItem, Institution, InstitutionLevel, ItemClass, PolicySet

__all__ = [
    "CatalogItem",
    "DailyTotal",
    "Encounter",
    "EncounterKind",
    "FeeDetail",
    "Filing",
    "FilingCategory",
    "FilingChannel",
    "FilingStatus",
    "FsiMessage",
    "Institution",
    "InstitutionLevel",
    "ItemClass",
    "PersonLink",
    "PolicySet",
    "Settlement",
    "SettlementStatus",
    "SignIn",
]
