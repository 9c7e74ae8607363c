"""Which signed decision of an application may be challenged, and who signed it.

A refusal is the application's ``Decision`` when it refused; a stop is the latest review
of the household on the roster that ended in "stop". When a re-examination or a decision
taken again has already answered, its signer is the one who signed the decision in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from yimen.assistance.models import Application, Decision
from yimen.benefits.models import BeneficiaryStatus, Review, ReviewOutcome

from ..models import DecisionKind, Reexamination, ReexamOutcome, ReexamStatus


@dataclass(frozen=True)
class Challenged:
    """A decision as the re-examination sees it."""

    kind: str
    signer: Any  # the User who signed
    signer_name: str
    decided_at: datetime
    summary: str
    stop_review: Review | None = None


def _original(application: Application, kind: str) -> Challenged | None:
    if kind == DecisionKind.REFUSAL:
        decision = Decision.objects.filter(application=application).select_related("signer").first()
        if decision is None or decision.approved:
            return None
        return Challenged(
            kind,
            decision.signer,
            decision.signer_name,
            decision.decided_at,
            decision.reasons[:300],
        )
    if kind == DecisionKind.STOP:
        review = (
            Review.objects.filter(
                beneficiary__application=application,
                beneficiary__status=BeneficiaryStatus.STOPPED,
                outcome=ReviewOutcome.STOP,
                decided_by__isnull=False,
            )
            .select_related("decided_by", "beneficiary")
            .order_by("-decided_at", "-pk")
            .first()
        )
        signer = review.decided_by if review is not None else None
        if review is None or review.decided_at is None or signer is None:
            return None
        return Challenged(
            kind,
            signer,
            signer.get_full_name() or signer.get_username(),
            review.decided_at,
            review.reasons[:300],
            review,
        )
    return None


def decision_in_force(application: Application, kind: str) -> Challenged | None:
    """The decision of ``kind`` in force on the application and its signer, or None when
    there is nothing of that kind to challenge (no refusal; not stopped; changed already)."""
    original = _original(application, kind)
    if original is None:
        return None
    latest = (
        Reexamination.objects.filter(
            application=application, kind=kind, status=ReexamStatus.DECIDED
        )
        .select_related("signer")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest is None or latest.decided_at is None or latest.decided_at < original.decided_at:
        return original
    if latest.outcome == ReexamOutcome.CHANGED:
        return None  # the decision in force is no longer a refusal or a stop
    return Challenged(
        kind,
        latest.signer,
        latest.signer_name,
        latest.decided_at,
        latest.reasons[:300],
        original.stop_review,
    )
