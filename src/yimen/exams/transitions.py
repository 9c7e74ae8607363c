"""The only code that assigns a status in the exams (house rule 3): application, paper,
session and certificate, each a declared table of allowed moves, each move a guarded
``filter(status=source).update(...)`` so that two concurrent moves cannot both win."""

from __future__ import annotations

from django.db import models

from .errors import WrongState
from .models import (
    Application,
    Certificate,
    ExamSession,
    GreenChannelRequest,
    Paper,
)
from .models import (
    ApplicationStatus as AS,
)
from .models import (
    CertificateStatus as CS,
)
from .models import (
    PaperStatus as PS,
)
from .models import (
    RequestStatus as RS,
)
from .models import (
    SessionStatus as SS,
)

APPLICATION = {
    AS.APPLIED: {AS.SCHEDULED},
    # a failed part with a retake left goes back to the waiting list
    AS.SCHEDULED: {AS.APPLIED, AS.THEORY_PASSED, AS.PASSED, AS.FAILED},
    AS.THEORY_PASSED: {AS.PASSED, AS.FAILED, AS.SCHEDULED},
    AS.PASSED: {AS.CERTIFIED},
}
PAPER = {
    PS.ISSUED: {PS.SITTING, PS.ABSENT},
    PS.SITTING: {PS.SUBMITTED, PS.VOIDED},
}
SESSION = {SS.OPEN: {SS.CLOSED}}
CERTIFICATE = {
    CS.PENDING: {CS.ACCEPTED, CS.MISSING},
    CS.MISSING: {CS.ACCEPTED},
    CS.ACCEPTED: {CS.VALID},
    CS.VALID: {CS.VALID, CS.REVIEW_REFUSED, CS.REVOKED},
    CS.REVIEW_REFUSED: {CS.VALID, CS.REVOKED},
}
GREEN_REQUEST = {RS.REQUESTED: {RS.APPROVED, RS.REFUSED}}
TABLES: dict[type[models.Model], dict] = {
    GreenChannelRequest: GREEN_REQUEST,
    Application: APPLICATION,
    Paper: PAPER,
    ExamSession: SESSION,
    Certificate: CERTIFICATE,
}


def move(obj: models.Model, target: str, **fields) -> None:
    """Move ``obj`` to ``target`` (with other ``fields`` set in the same update) if the table
    allows it and nobody moved it first; else WrongState."""
    model = type(obj)
    source = obj.status  # type: ignore[attr-defined]
    choices = model._meta.get_field("status").choices  # type: ignore[union-attr]
    labels = dict(choices or [])
    if target not in TABLES[model].get(source, set()):
        raise WrongState(
            what=model._meta.verbose_name,
            status=labels.get(source, source),
            target=labels.get(target, target),
        )
    done = model._default_manager.filter(pk=obj.pk, status=source).update(status=target, **fields)
    if done != 1:
        raise WrongState(
            what=model._meta.verbose_name,
            status=labels.get(source, source),
            target=labels.get(target, target),
        )
    obj.status = target  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(obj, name, value)
