"""Models of medins: insured persons, their contribution months and personal-account ledger
(``insured``), and the transfer of the insurance relationship between nodes (``transfer``).

Other apps (issue 8, cross-region settlement) import from here; names never change."""

from .insured import (
    AccountEntry,
    ContributionMonth,
    ContributionOrigin,
    EntryKind,
    InsuranceType,
    InsuredPerson,
    InsuredStatus,
)
from .peers import PeerLink
from .transfer import (
    OPEN_STATUSES,
    InboxMessage,
    MessageKind,
    OutboxMessage,
    RejectedMessage,
    Side,
    Transfer,
    TransferStatus,
    TransferStep,
)

__all__ = [
    "OPEN_STATUSES",
    "AccountEntry",
    "ContributionMonth",
    "ContributionOrigin",
    "EntryKind",
    "InboxMessage",
    "InsuranceType",
    "InsuredPerson",
    "InsuredStatus",
    "MessageKind",
    "OutboxMessage",
    "PeerLink",
    "RejectedMessage",
    "Side",
    "Transfer",
    "TransferStatus",
    "TransferStep",
]
