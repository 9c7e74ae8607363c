"""People's requests about their own data (PIPL Arts. 45-46): filing (by the person, or by
staff at the counter on their behalf), issuing the signed copy, answering a correction.

Each is one use case: permission, validation before any write, the guarded transition,
the audit event in the same transaction. The correction itself is made by the service that
owns the record, through its own use case and page (the roster's payment account, an
application's household): this records the request, its clock and the answer, and the
request page links to the person's records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role, bindings_for, division_q
from yimen.audit.events import EventType
from yimen.audit.keys import audit_key
from yimen.audit.services import record_event
from yimen.people import mask_id, parse_id_number
from yimen.regions.models import Division

from .access import log_export
from .bundle import build_bundle
from .clocks import due_on
from .errors import (
    DetailsRequired,
    NameRequired,
    NoPersonalRecord,
    NoSigningKey,
    NotAllowed,
    NotInScope,
    ReasonRequired,
    RequestClosed,
    WrongRequestKind,
)
from .models import RequestKind, RequestStatus, SubjectRequest
from .person_data import id_numbers_of_user, person_data
from .transitions import request_close

BUNDLE_DIR = "privacy/copies"


@dataclass(frozen=True)
class RequestInput:
    """What a request form carries (validated by ``subject_request_file``)."""

    kind: str
    id_number: str = ""
    person_name: str = ""
    division_code: str = ""
    details: str = ""


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


@transaction.atomic
def subject_request_file(*, actor: Any, data: RequestInput) -> SubjectRequest:
    """File a request. Township staff file for anyone at the counter of their area (the
    person present with their ID card); a citizen files only for the ID numbers their
    account is known by, in the division of their own binding."""
    if data.kind not in RequestKind.values:
        raise WrongRequestKind()
    details = _text(data.details, 4000)
    if data.kind == RequestKind.CORRECTION and len(details) < 4:
        raise DetailsRequired()
    today = timezone.localdate()
    staff_role = acting_role(actor, Action.SUBJECT_REQUEST_HANDLE, data.division_code or "-")
    if staff_role is not None:
        number = parse_id_number(data.id_number, today=today).number
        name = _text(data.person_name, 50)
        if not name:
            raise NameRequired()
        division, role, on_behalf = data.division_code, staff_role, True
    else:
        own = bindings_for(actor, Action.SUBJECT_REQUEST_OWN)
        if not own:
            raise NotAllowed()
        numbers = id_numbers_of_user(actor)
        wanted = (data.id_number or "").strip().upper() or (numbers[0] if numbers else "")
        if wanted not in numbers:
            raise NoPersonalRecord()
        number, name = wanted, _text(data.person_name, 50) or actor.get_full_name()
        division, role, on_behalf = own[0].division_code, str(own[0].role), False
    if not Division.objects.filter(code=division).exists():
        raise NotInScope()
    due, source = due_on(data.kind, today)
    request = SubjectRequest.objects.create(
        kind=data.kind,
        person_name=name,
        id_number=number,
        division_id=division,
        details=details,
        on_behalf=on_behalf,
        filed_by=actor,
        filed_at=timezone.now(),
        due_on=due,
        clock_source=source,
    )
    record_event(
        event_type=EventType.SUBJECT_REQUEST_FILED,
        subject=request,
        actor=actor,
        role=role,
        division_code=division,
        new={
            "kind": data.kind,
            "person": mask_id(number),
            "due_on": due.isoformat(),
            "on_behalf": on_behalf,
        },
        reason=details,
    )
    return request


def _handling_role(actor: Any, request_id: int) -> tuple[SubjectRequest, str]:
    request = requests_visible_to(actor).filter(pk=request_id).first()
    if request is None:
        raise NotInScope()
    role = acting_role(actor, Action.SUBJECT_REQUEST_HANDLE, request.division_id)
    if role is None:
        raise NotAllowed()
    return request, role


@transaction.atomic
def subject_copy_issue(*, actor: Any, request_id: int) -> SubjectRequest:
    """Generate the signed copy of everything held about the person, store it, close the
    request and log the export (one access entry, purpose "the person's own request")."""
    request, role = _handling_role(actor, request_id)
    if request.kind != RequestKind.COPY:
        raise WrongRequestKind()
    if not request.is_open:
        raise RequestClosed()
    key = audit_key()
    if key is None:
        raise NoSigningKey()
    data = person_data(request.id_number)
    issued_by = actor.get_full_name() or actor.get_username()
    bundle = build_bundle(
        data, key=key, name=request.person_name, request_no=request.pk, issued_by=issued_by
    )
    relative = f"{BUNDLE_DIR}/request-{request.pk}-{bundle.sha256[:12]}.zip"
    request_close(
        request_id=request.pk,
        target=RequestStatus.FULFILLED,
        actor=actor,
        bundle_path=relative,
        bundle_sha256=bundle.sha256,
        answer=f"{data.record_count}",
    )
    path = Path(settings.DATA_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bundle.data)
    log_export(
        actor=actor,
        record_type="privacy.subjectrequest",
        record_ids=[request.pk],
        division_code=request.division_id,
        purpose="subject_request",
        note=f"personal-data-{request.pk}.zip",
    )
    record_event(
        event_type=EventType.SUBJECT_COPY_ISSUED,
        subject=request,
        actor=actor,
        role=role,
        division_code=request.division_id,
        old={"status": RequestStatus.OPEN},
        new={
            "status": RequestStatus.FULFILLED,
            "records": data.record_count,
            "bundle_sha256": bundle.sha256,
        },
        signer=actor,
    )
    request.refresh_from_db()
    return request


@transaction.atomic
def subject_correction_answer(
    *, actor: Any, request_id: int, accept: bool, answer: str
) -> SubjectRequest:
    """Answer a correction request: accepted (the record is corrected through the owning
    service's own use case) or refused, with the reasons the person is told."""
    request, role = _handling_role(actor, request_id)
    if request.kind != RequestKind.CORRECTION:
        raise WrongRequestKind()
    text = _text(answer, 4000)
    if len(text) < 4:
        raise ReasonRequired()
    target = RequestStatus.CORRECTED if accept else RequestStatus.REFUSED
    request_close(request_id=request.pk, target=target, actor=actor, answer=text)
    record_event(
        event_type=EventType.SUBJECT_REQUEST_ANSWERED,
        subject=request,
        actor=actor,
        role=role,
        division_code=request.division_id,
        old={"status": RequestStatus.OPEN},
        new={"status": target},
        reason=text,
    )
    request.refresh_from_db()
    return request


def requests_visible_to(user: Any) -> QuerySet[SubjectRequest]:
    """Requests filed in the user's area, for the staff who answer them."""
    return SubjectRequest.objects.filter(
        division_q(user, Action.SUBJECT_REQUEST_HANDLE, "division__code")
    ).select_related("division", "filed_by", "decided_by")


def requests_of(user: Any) -> QuerySet[SubjectRequest]:
    """A citizen's own requests: those filed under the ID numbers their account is known by."""
    numbers = id_numbers_of_user(user)
    if not numbers:
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.filter(id_number__in=numbers).order_by("-filed_at")


def bundle_file(request: SubjectRequest) -> Path | None:
    """The stored copy of a fulfilled request, if its file is still there."""
    if not request.bundle_path:
        return None
    path = Path(settings.DATA_DIR) / request.bundle_path
    return path if path.is_file() else None
