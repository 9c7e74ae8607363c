"""Certificates: acceptance within 5 working days (every missing item in one notice),
issue by a named certificate officer, review (复审) within its window, revocation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.audit.events import EventType
from yimen.workflow.calendar import add_working_days

from .. import rules
from ..errors import (
    NotAllowed,
    OutsideReviewWindow,
    ReasonNeeded,
    ReviewAlreadyRequested,
    ReviewNotOpen,
)
from ..models import ApplicationStatus, Certificate, Post
from ..models import CertificateStatus as CS
from ..transitions import move
from .common import audit, require, settings_for


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update()
        .select_related("application__category", "candidate")
        .get(pk=certificate.pk)
    )


@transaction.atomic
def certificate_accept(
    *, certificate: Certificate, missing: list[str], actor, day: date
) -> Certificate:
    """Accept the request, or notify every missing item at once (then accept later)."""
    role = require(actor, Action.EXAM_CERTIFY, certificate.division_id)
    cert = _locked(certificate)
    missing = [m.strip()[:100] for m in missing if m.strip()]
    if missing:
        move(cert, CS.MISSING, missing_items=missing)
    else:
        clocks = settings_for(cert.division_id, day)
        days = (
            clocks.green_issue_working_days
            if cert.application.green_channel
            else clocks.issue_working_days
        )
        move(cert, CS.ACCEPTED, missing_items=[], issue_due_on=add_working_days(day, days))
    audit(
        EventType.EXAM_CERTIFICATE_ACCEPTED,
        cert,
        actor=actor,
        role=role,
        division=cert.division_id,
        new={"missing": missing},
    )
    return cert


@transaction.atomic
def certificate_issue(*, certificate: Certificate, actor, day: date) -> Certificate:
    """Issue: the number ("T" + ID number for special operators), the validity and the
    first review date; the officer is the named signer."""
    role = require(actor, Action.EXAM_CERTIFY, certificate.division_id)
    cert = _locked(certificate)
    category = cert.application.category
    number = rules.certificate_number(category.post, cert.candidate.id_number, cert.pk)
    due = rules.review_due(day, category.review_years, category.validity_years)
    move(
        cert,
        CS.VALID,
        number=number,
        issued_on=day,
        signer=actor,
        valid_until=rules.add_years(day, category.validity_years),
        review_due_on=due,
    )
    move(cert.application, ApplicationStatus.CERTIFIED)
    audit(
        EventType.EXAM_CERTIFICATE_ISSUED,
        cert,
        actor=actor,
        role=role,
        division=cert.division_id,
        signer=actor,
        new={"number": number},
    )
    return cert


@transaction.atomic
def certificate_review(
    *,
    certificate: Certificate,
    actor,
    day: date,
    health_ok: bool,
    violations: int = 0,
    serious_violation: bool = False,
    penalised: bool = False,
    obstructed: bool = False,
    training_hours: int,
    exam_score: Decimal | None,
    years_in_trade: int = 0,
) -> list[rules.Reason]:
    """The review (复审) inside its window (60 days before the due date): passed, the next
    review is 3 years on — 6 when the holder has ≥10 clean years in the trade; refused,
    with every reason. Returns the reasons (empty when passed)."""
    role = require(actor, Action.EXAM_CERTIFY, certificate.division_id)
    cert = _locked(certificate)
    due = cert.review_due_on or cert.valid_until
    if due is None or not rules.in_review_window(due, day):
        raise OutsideReviewWindow(opens=due and rules.review_window_opens(due), due=due)
    refusals = rules.review_refusals(
        health_ok=health_ok,
        violations=violations,
        serious_violation=serious_violation,
        penalised=penalised,
        obstructed=obstructed,
        training_hours=training_hours,
        exam_score=exam_score,
    )
    category = cert.application.category
    if refusals:
        move(
            cert,
            CS.REVIEW_REFUSED,
            reason="; ".join(r.message for r in refusals)[:300],
            review_requested_on=None,
        )
    else:
        step = category.review_years or category.validity_years
        if years_in_trade >= 10 and not violations and category.post == Post.SPECIAL_OPERATOR:
            step = 2 * step  # T30 Art 21: the issuing authority may extend to 6 years
        new_due = rules.add_years(due, step)
        valid = max(cert.valid_until or due, new_due) if category.review_years else new_due
        move(
            cert,
            CS.VALID,
            review_due_on=new_due,
            valid_until=valid,
            reason="",
            review_requested_on=None,
            review_training_hours=0,
        )
    audit(
        EventType.EXAM_CERTIFICATE_REVIEWED,
        cert,
        actor=actor,
        role=role,
        division=cert.division_id,
        signer=actor,
        old={"review_due_on": str(due)},
        new={
            "refused": [r.code for r in refusals],
            "review_due_on": str(cert.review_due_on),
            "training_hours": training_hours,
            "exam_score": None if exam_score is None else str(exam_score),
        },
    )
    return refusals


@transaction.atomic
def certificate_review_request(
    *, certificate: Certificate, actor, day: date, training_hours: int
) -> Certificate:
    """The holder applies for the review (复审) inside its window — 60 days before the due
    date (T30 Art 22) — stating the review training done (8 hours needed, Art 23). Only the
    holder's own account may apply; once per due date (a second click is refused, so two
    browsers cannot both apply). The certificate officer then decides it."""
    # the holder's own certificate wherever it was issued: the binding need not cover it
    bindings = bindings_for(actor, Action.EXAM_SIT) if actor is not None else []
    if not bindings:
        raise NotAllowed()
    cert = _locked(certificate)
    if cert.candidate.user_id != actor.pk:
        raise NotAllowed()
    if cert.status != CS.VALID:
        raise ReviewNotOpen()
    due = cert.review_due_on or cert.valid_until
    if due is None or not rules.in_review_window(due, day):
        raise OutsideReviewWindow(opens=due and rules.review_window_opens(due), due=due)
    if not 0 <= training_hours <= 999:
        raise ReasonNeeded()
    done = Certificate.objects.filter(
        pk=cert.pk, status=CS.VALID, review_requested_on__isnull=True
    ).update(review_requested_on=day, review_training_hours=training_hours)
    if done != 1:
        raise ReviewAlreadyRequested()
    cert.review_requested_on, cert.review_training_hours = day, training_hours
    audit(
        EventType.EXAM_REVIEW_REQUESTED,
        cert,
        actor=actor,
        role=str(bindings[0].role),
        division=cert.division_id,
        new={"review_due_on": str(due), "training_hours": training_hours},
    )
    return cert


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor, day: date) -> Certificate:
    """Revoke (a 3-year bar on new applications follows from ``revoked_on``)."""
    role = require(actor, Action.EXAM_CERTIFY, certificate.division_id)
    if not reason.strip():
        raise ReasonNeeded()
    cert = _locked(certificate)
    move(cert, CS.REVOKED, revoked_on=day, reason=reason.strip()[:300])
    audit(
        EventType.EXAM_CERTIFICATE_REVOKED,
        cert,
        actor=actor,
        role=role,
        division=cert.division_id,
        reason=reason,
        signer=actor,
    )
    return cert


def review_reminders(*, on: date) -> int:
    """Remind holders whose review window is open (60 days before the due date), once per
    certificate and due date, through the notification channel (inbox; ``yimen.notify``).
    A task, safe to rerun (``yimen exam_review_reminders``, or ``yimen notify_due`` for
    every service); returns how many were newly told."""
    from yimen.notify.due import remind_due

    return remind_due(on=on, kinds={"exams.review_due"}).told
