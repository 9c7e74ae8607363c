"""The roster of households on assistance, their dated entitlements, reviews and payments."""

from .facts import HouseholdFacts
from .payments import FundLedgerEntry, PaymentAdjustment, PaymentLine, PaymentRoll
from .returns import (
    AmountUnit,
    FileEncoding,
    FundReturnEntry,
    PaymentReturn,
    ReturnBatch,
    ReturnFileLayout,
    ReturnReason,
    ReturnStatus,
)
from .reviews import ChangeKind, Review, ReviewOutcome, ReviewPolicy, ReviewTrigger
from .roster import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    Stability,
)

__all__ = [
    "AmountUnit",
    "Beneficiary",
    "BeneficiaryStatus",
    "ChangeKind",
    "Entitlement",
    "EntitlementStatus",
    "FileEncoding",
    "FundLedgerEntry",
    "FundReturnEntry",
    "HouseholdFacts",
    "PaymentAdjustment",
    "PaymentLine",
    "PaymentReturn",
    "PaymentRoll",
    "ReturnBatch",
    "ReturnFileLayout",
    "ReturnReason",
    "ReturnStatus",
    "Review",
    "ReviewOutcome",
    "ReviewPolicy",
    "ReviewTrigger",
    "Stability",
]
