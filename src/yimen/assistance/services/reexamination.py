"""A refusal changed on re-examination (复核), or set aside by a reconsideration body or a
court and decided again: the new signed decision takes the refusal's place.

Called by ``yimen.complaints`` (the use case that signs the new decision), in its own
transaction. The application keeps one ``Decision`` — the one in force, which every page,
the public disclosure and the roster read — so the row is rewritten, and what it said
before stays in the audit log (``old``) and in the re-examination's record of the first
decision and its signer. Assistance knows nothing of complaints."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Invalid
from yimen.workflow import transitions as case_transitions
from yimen.workflow.models import CASE_SUBJECT
from yimen.workflow.states import CaseStatus

from ..choices import AssistanceType
from ..errors import WrongStep
from ..models import Application, Decision


def _invalid(field: str, message) -> Invalid:
    return Invalid(message, code="assistance.step_invalid", fields={field: [str(message)]})


@transaction.atomic
def refusal_replace(
    *,
    application: Application,
    signer,
    assistance_type: str,
    monthly_amount: Decimal | None,
    reasons: str,
    ground: str,
) -> Decision:
    """Turn the application's refusal into an approval signed by ``signer`` (the type and
    monthly amount granted), from now; ``ground`` names what changed it (the
    re-examination's number). The caller checked who may sign."""
    if assistance_type not in AssistanceType.values:
        raise _invalid("assistance_type", _("Choose the type of assistance granted."))
    if monthly_amount is None or not (Decimal("0") < monthly_amount < Decimal("1000000")):
        raise _invalid("monthly_amount", _("Give the monthly amount in yuan (above 0)."))
    if monthly_amount != monthly_amount.quantize(Decimal("0.01")):
        raise _invalid("monthly_amount", _("Amounts have at most two decimal places."))
    decision = Decision.objects.select_for_update().filter(application=application).first()
    if decision is None or decision.approved:
        raise WrongStep(_("Refusal"))
    old = {
        "approved": False,
        "reasons": decision.reasons,
        "signer": decision.signer_name,
        "decided_at": decision.decided_at,
    }
    now = timezone.now()
    name = signer.get_full_name() or signer.get_username()
    Decision.objects.filter(pk=decision.pk).update(
        approved=True,
        assistance_type=assistance_type,
        monthly_amount=monthly_amount,
        reasons=reasons.strip(),
        signer=signer,
        signer_name=name,
        decided_at=now,
        notice_due=None,
    )
    # the case's outcome follows the decision: refused → completed (approved)
    case_moved = application.case_id is not None and case_transitions.overturn_refusal(
        case_id=application.case_id, now=now
    )
    if case_moved:
        old["case_status"] = CaseStatus.REJECTED
    record_event(
        event_type=EventType.DECISION_CHANGED,
        subject=(CASE_SUBJECT, str(application.case_id)),
        actor=signer,
        division_code=application.division_id,
        old=old,
        new={
            "approved": True,
            "type": assistance_type,
            "amount": monthly_amount,
            "ground": ground,
            **({"case_status": CaseStatus.COMPLETED} if case_moved else {}),
        },
        reason=reasons.strip(),
        signer=signer,
    )
    decision.refresh_from_db()
    return decision
