"""Administrative reconsideration (行政复议) and lawsuit (行政诉讼): the applicant goes to
an outside body; township staff record the body, the dates and the outcome, all audited.

The outcome's effect on the case: revoked (撤销) or changed (变更) sets the decision aside,
so the township decides again — a re-examination of that origin waits for a new signed
decision by someone other than the signer of the decision set aside. Upheld, dismissed,
withdrawn and "confirmed illegal" (the decision stands, its illegality on record) leave
the case as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role
from yimen.assistance.models import Application
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.spreadsheets import FORMULA_TEXT_MESSAGE, starts_like_formula

from .. import transitions
from ..errors import NotAllowed, NothingToReexamine, RemedyInvalid
from ..models import (
    DecisionKind,
    LegalRemedy,
    ReexamOrigin,
    RemedyKind,
    RemedyOutcome,
    RemedyStatus,
)
from ..models.remedies import DECIDE_AGAIN
from .challenged import decision_in_force
from .reexaminations import case_subject, reexam_decide_again, township_of

TEXT_MAX = 2000


@dataclass(frozen=True)
class RemedyInput:
    kind: str
    decision_kind: str
    body: str
    filed_on: date | None
    reference: str = ""
    accepted_on: date | None = None
    notes: str = ""


def _role(actor, application: Application) -> str:
    role = acting_role(actor, Action.REMEDY_RECORD, application.division_id)
    if not role:
        raise NotAllowed()
    return role


@transaction.atomic
def remedy_record(*, actor, application: Application, data: RemedyInput) -> LegalRemedy:
    """Record that the applicant applied for reconsideration or sued, about the refusal or
    the stop in force on the application."""
    role = _role(actor, application)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if data.kind not in RemedyKind.values:
        errors["kind"] = [str(_("Choose reconsideration or lawsuit."))]
    if data.decision_kind not in DecisionKind.values:
        errors["decision_kind"] = [str(_("Choose the decision challenged."))]
    for field, value, limit, required in (
        ("body", data.body, 100, True),
        ("reference", data.reference, 100, False),
        ("notes", data.notes, TEXT_MAX, False),
    ):
        value = (value or "").strip()
        if required and not value:
            errors[field] = [str(_("This field is required."))]
        elif len(value) > limit:
            errors[field] = [str(_("At most %(n)d characters.") % {"n": limit})]
        elif starts_like_formula(value):
            errors[field] = [str(FORMULA_TEXT_MESSAGE)]
    if data.filed_on is None or data.filed_on > today:
        errors["filed_on"] = [str(_("Give the day it was filed (not in the future)."))]
    elif data.accepted_on is not None and not (data.filed_on <= data.accepted_on <= today):
        errors["accepted_on"] = [str(_("Accepted between filing and today."))]
    if errors:
        raise RemedyInvalid(errors)
    if decision_in_force(application, data.decision_kind) is None:
        raise NothingToReexamine()
    assert data.filed_on is not None
    remedy = LegalRemedy.objects.create(
        kind=data.kind,
        decision_kind=data.decision_kind,
        application=application,
        division_id=township_of(application),
        body=data.body.strip(),
        reference=data.reference.strip(),
        filed_on=data.filed_on,
        accepted_on=data.accepted_on,
        notes=data.notes.strip(),
        recorded_by=actor,
    )
    record_event(
        event_type=EventType.REMEDY_RECORDED,
        subject=case_subject(application),
        actor=actor,
        role=role,
        division_code=remedy.division_id,
        new={
            "remedy": remedy.number,
            "kind": remedy.kind,
            "decision": remedy.decision_kind,
            "body": remedy.body,
            "reference": remedy.reference,
            "filed_on": remedy.filed_on,
            "accepted_on": remedy.accepted_on,
        },
        reason=remedy.notes,
    )
    return remedy


@transaction.atomic
def remedy_conclude(
    *, actor, remedy: LegalRemedy, outcome: str, decided_on: date | None, notes: str
) -> LegalRemedy:
    """Record the body's outcome and apply its effect on the case (see the module)."""
    remedy = LegalRemedy.objects.select_for_update().get(pk=remedy.pk)
    application = Application.objects.get(pk=remedy.application_id)
    role = _role(actor, application)
    errors: dict[str, list[str]] = {}
    if outcome not in RemedyOutcome.values:
        errors["outcome"] = [str(_("Choose the outcome."))]
    if decided_on is None or not (remedy.filed_on <= decided_on <= timezone.localdate()):
        errors["decided_on"] = [
            str(_("Give the day of the outcome (after filing, not later than today)."))
        ]
    notes = (notes or "").strip()
    if len(notes) > TEXT_MAX:
        errors["notes"] = [str(_("At most %(n)d characters.") % {"n": TEXT_MAX})]
    if errors:
        raise RemedyInvalid(errors)
    again = None
    if outcome in DECIDE_AGAIN:
        origin = (
            ReexamOrigin.RECONSIDERATION
            if remedy.kind == RemedyKind.RECONSIDERATION
            else ReexamOrigin.LAWSUIT
        )
        label = RemedyOutcome(outcome).label
        try:
            again = reexam_decide_again(
                application=application,
                kind=remedy.decision_kind,
                origin=origin,
                grounds=f"{remedy.body} {remedy.reference} {label}: {notes}".strip(),
                actor=actor,
            )
        except NothingToReexamine:
            again = None  # already changed in the meantime: nothing left to decide
    transitions.move_remedy(
        remedy,
        RemedyStatus.CONCLUDED,
        outcome=outcome,
        decided_on=decided_on,
        notes="\n".join(part for part in (remedy.notes, notes) if part),
        decide_again=again,
    )
    record_event(
        event_type=EventType.REMEDY_CONCLUDED,
        subject=case_subject(application),
        actor=actor,
        role=role,
        division_code=remedy.division_id,
        old={"status": RemedyStatus.PENDING},
        new={
            "remedy": remedy.number,
            "outcome": outcome,
            "decided_on": decided_on,
            "decide_again": again.number if again else "",
        },
        reason=notes,
    )
    return remedy
