"""Coded errors of benefits: a stable code, Chinese and English text (house rule 7)."""

from __future__ import annotations

from yimen.errors import Conflict, Invalid


class AccountRefused(Invalid):
    code = "benefits.account_invalid"


class ReviewRefused(Invalid):
    code = "benefits.review_invalid"


class ReviewAlreadyOpen(Conflict):
    code = "benefits.review_open"


class RollRefused(Invalid):
    code = "benefits.roll_invalid"


class RollAlreadyIssued(Conflict):
    code = "benefits.roll_issued"


class RosterChanged(Conflict):
    code = "benefits.recalc_changed"


class ImmutableError(Exception):
    """An issued roll, its lines and its ledger entries are never changed."""


class RosterTransitionRefused(Exception):
    """A state change that transitions.py does not allow, or lost to a concurrent one: a
    bug or a race, never a user's input (the services refuse those with coded errors)."""
