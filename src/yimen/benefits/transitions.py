"""The only code that changes the state of a household on the roster, of a review and of
a payment roll (house rule 3). Each change is a guarded UPDATE (or INSERT) that matches
the state it starts from, so two concurrent changes cannot both win.

- A household (``Beneficiary.status``, ``BeneficiaryStatus``): on the roster it is paid,
  phased out, suspended or stopped by a review's outcome; the review of an objection
  stops it. ``STOPPED`` is final: it stays on record (every past payment must), unpaid.
- A review (``Review``): open while it has no outcome; deciding it sets the outcome once.
- A payment roll (``PaymentRoll``): it has no status, it exists only as issued — issuing
  is its one transition, guarded by the one-roll-a-month constraint, and an issued roll,
  its lines and its ledger entries never change (``models.Immutable``). An adjustment is
  settled by exactly one roll.
- A returned payment (``PaymentReturn.status``, ``ReturnStatus``): returned → corrected
  (staff corrected the account) → reissued (exactly one later roll paid it again)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from .errors import RosterTransitionRefused
from .models import (
    Beneficiary,
    BeneficiaryStatus,
    PaymentAdjustment,
    PaymentReturn,
    PaymentRoll,
    ReturnStatus,
    Review,
)

S = BeneficiaryStatus
_LIVE = frozenset({S.ACTIVE, S.PHASING_OUT, S.SUSPENDED, S.STOPPED})

#: source → the statuses a household may move to
HOUSEHOLD_ALLOWED: dict[str, frozenset[str]] = {
    S.ACTIVE: _LIVE,  # a review continues, adjusts, phases out, suspends or stops
    S.PHASING_OUT: _LIVE,  # the next review may resume, suspend or stop earlier
    S.SUSPENDED: _LIVE,  # a review resumes (continue/adjust) or stops
    S.STOPPED: frozenset(),  # final
}


def set_household_status(beneficiary: Beneficiary, target: str, **also: Any) -> None:
    """Move a household from its current status to ``target`` (with ``also``: other
    columns written in the same UPDATE), guarded by the status in the database."""
    source = beneficiary.status
    if target not in HOUSEHOLD_ALLOWED.get(source, frozenset()):
        raise RosterTransitionRefused(f"{source} → {target}")
    moved = Beneficiary.objects.filter(pk=beneficiary.pk, status=source).update(
        status=target, **also
    )
    if moved != 1:
        raise RosterTransitionRefused(f"{source} → {target}: changed concurrently")


def reinstate_household(beneficiary: Beneficiary, **also: Any) -> None:
    """STOPPED → ACTIVE, for one reason only: the stop itself was set aside (changed on
    re-examination, or by a reconsideration body or a court). No review outcome may do
    this, which is why it is not in HOUSEHOLD_ALLOWED; guarded like every change."""
    moved = Beneficiary.objects.filter(pk=beneficiary.pk, status=S.STOPPED).update(
        status=S.ACTIVE, **also
    )
    if moved != 1:
        raise RosterTransitionRefused(f"{beneficiary.status} → {S.ACTIVE}: not stopped")


def decide_review(review: Review, *, outcome: str, **fields: Any) -> None:
    """Give an open review its outcome (and the decision's other columns), once."""
    if not outcome:
        raise RosterTransitionRefused("a review is decided with an outcome")
    moved = Review.objects.filter(pk=review.pk, outcome="").update(outcome=outcome, **fields)
    if moved != 1:
        raise RosterTransitionRefused(f"review {review.pk} is decided already")


def issue_roll(**fields: Any) -> PaymentRoll | None:
    """Insert the month's roll; None if the township's roll of that month exists (another
    approver issued it at the same moment: the unique constraint decides)."""
    try:
        with transaction.atomic():
            return PaymentRoll.objects.create(**fields)
    except IntegrityError:
        return None


def settle_adjustments(adjustment_ids: list[int], roll: PaymentRoll) -> bool:
    """Mark the adjustments paid by ``roll``; False if one of them was paid by another."""
    settled = PaymentAdjustment.objects.filter(
        pk__in=adjustment_ids, settled_in__isnull=True
    ).update(settled_in=roll)
    return settled == len(adjustment_ids)


def correct_returns(return_ids: list[int], **also: Any) -> int:
    """Returned → corrected for the returns still awaiting the account's correction (with
    ``also``: who and when); the number moved (a return corrected already is left alone)."""
    return PaymentReturn.objects.filter(pk__in=return_ids, status=ReturnStatus.RETURNED).update(
        status=ReturnStatus.CORRECTED, **also
    )


def reissue_returns(return_ids: list[int], roll: PaymentRoll) -> bool:
    """Corrected → reissued by ``roll``; False if one of them was paid by another roll (or
    is no longer corrected), so that the caller's transaction is rolled back."""
    moved = PaymentReturn.objects.filter(
        pk__in=return_ids, status=ReturnStatus.CORRECTED, reissued_in__isnull=True
    ).update(status=ReturnStatus.REISSUED, reissued_in=roll)
    return moved == len(return_ids)
