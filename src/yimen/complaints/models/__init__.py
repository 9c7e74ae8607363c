"""Models of complaints and re-examination, split by subdomain: the dated settings, the
reports (投诉举报), the re-examinations (复核) and the outside remedies (行政复议、诉讼)."""

from .reexaminations import (
    DecisionKind,
    ReexamChannel,
    Reexamination,
    ReexamOrigin,
    ReexamOutcome,
    ReexamStatus,
)
from .remedies import LegalRemedy, RemedyKind, RemedyOutcome, RemedyStatus
from .reports import Finding, Report, ReportKind, ReportStatus, StaffLevel
from .settings import ComplaintSetting

__all__ = [
    "ComplaintSetting",
    "DecisionKind",
    "Finding",
    "LegalRemedy",
    "ReexamChannel",
    "ReexamOrigin",
    "ReexamOutcome",
    "ReexamStatus",
    "Reexamination",
    "RemedyKind",
    "RemedyOutcome",
    "RemedyStatus",
    "Report",
    "ReportKind",
    "ReportStatus",
    "StaffLevel",
]
