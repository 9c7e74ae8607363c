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

__all__ = [
    "AccountEntry",
    "ContributionMonth",
    "ContributionOrigin",
    "EntryKind",
    "InsuranceType",
    "InsuredPerson",
    "InsuredStatus",
]
