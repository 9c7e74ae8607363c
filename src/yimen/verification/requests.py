"""Opening a verification request for a case: every adult must have authorised it first."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from yimen.assistance.choices import ConsentKind
from yimen.assistance.models import Application
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.workflow.errors import NotYourTask
from yimen.workflow.registry import get_process
from yimen.workflow.services import CASE_SUBJECT, performer_binding

from .errors import AuthorisationMissing
from .models import VerificationRequest, VerificationRequestStatus

VERIFY_STEP = "verify"


@transaction.atomic
def verification_request_open(*, actor, application: Application) -> VerificationRequest:
    """Open the case's request to verify the household, or return the one already pending.

    Only someone who may perform the case's open verify step may ask; refused, with the
    names, while any adult member's verification authorisation is missing."""
    from yimen.assistance.services.steps import open_task

    step = get_process("assist").step(VERIFY_STEP)
    task = open_task(application, VERIFY_STEP)
    if performer_binding(actor, step, task.division_id) is None:
        raise NotYourTask(step.label)
    # Lock the application so two clicks at once make one request, not a constraint error.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    existing = VerificationRequest.objects.filter(
        application=application, status=VerificationRequestStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    members = list(application.members.prefetch_related("consents").order_by("pk"))
    missing = [
        m.name
        for m in members
        if m.is_adult_on(today)
        and not any(c.kind == ConsentKind.AUTHORISATION for c in m.consents.all())
    ]
    if missing:
        raise AuthorisationMissing(missing)
    request = VerificationRequest.objects.create(
        application=application,
        case_id=application.case_id,
        status=VerificationRequestStatus.PENDING,
        requested_by=actor,
        requested_at=timezone.now(),
        member_ids=[m.id_number_bidx for m in members],  # blind indexes, never the numbers
    )
    record_event(
        event_type=EventType.VERIFICATION_REQUESTED,
        subject=(CASE_SUBJECT, str(application.case_id)),
        actor=actor,
        new={"members": len(members)},
    )
    return request
