"""Models of social assistance, split by subdomain: the household's application, and the
records of the steps that decide it."""

from .application import Application, ApplicationStatus, Asset, Attachment, Consent, Income, Member
from .facts import DecisionFact as DecisionFact  # issue 6 county read model
from .parameters import ParameterSet as ParameterSet  # one line: __all__ is owned elsewhere
from .persons import DisabilityCertificate as DisabilityCertificate  # issue 21
from .persons import SelfCareAssessment as SelfCareAssessment  # issue 21
from .persons import SelfCareChange as SelfCareChange  # issue 21, item 7
from .persons import Supporter as Supporter  # issue 21
from .records import (
    Appraisal,
    CaseTimeLimit,
    CycleSchedule,
    Decision,
    HouseholdVisit,
    MissingItemsNotice,
    Objection,
    VerificationRecord,
)
from .records import DisclosureSetting as DisclosureSetting  # issue 14 (one line)

__all__ = [
    "Application",
    "ApplicationStatus",
    "Appraisal",
    "Asset",
    "Attachment",
    "CaseTimeLimit",
    "Consent",
    "CycleSchedule",
    "Decision",
    "HouseholdVisit",
    "Income",
    "Member",
    "MissingItemsNotice",
    "Objection",
    "VerificationRecord",
]
