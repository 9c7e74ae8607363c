"""The roster of households on assistance, their dated entitlements, reviews and payments."""

from .facts import HouseholdFacts
from .payments import FundLedgerEntry, PaymentAdjustment, PaymentLine, PaymentRoll
from .reviews import ChangeKind, Review, ReviewOutcome, ReviewPolicy, ReviewTrigger
from .roster import (
    Beneficiary,
    BeneficiaryStatus,
    Entitlement,
    EntitlementStatus,
    Stability,
)

__all__ = [
    "Beneficiary",
    "BeneficiaryStatus",
    "ChangeKind",
    "Entitlement",
    "EntitlementStatus",
    "FundLedgerEntry",
    "HouseholdFacts",
    "PaymentAdjustment",
    "PaymentLine",
    "PaymentRoll",
    "Review",
    "ReviewOutcome",
    "ReviewPolicy",
    "ReviewTrigger",
    "Stability",
]
