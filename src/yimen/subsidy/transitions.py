"""The only code that assigns a status in the subsidy (house rule 3): the survey entry and
the application, each a declared table of allowed moves, each move a guarded
``filter(status=source).update(...)`` so that two concurrent moves cannot both win."""

from __future__ import annotations

from django.db import models
from django.db.models import F

from yimen.benefits.models import ReturnStatus as R

from .errors import WrongState
from .models import Application, PaymentReturn, Survey
from .models import Status as S
from .models import SurveyStatus as V

SURVEY = {
    V.SURVEYED: {V.VETTED, V.REFUSED},
    V.REFUSED: {V.VETTED},  # a unit that brings what was missing is vetted again
}
APPLICATION = {
    S.DRAFT: {S.SUBMITTED, S.LAPSED},  # lapsed: still a draft when the deadline passed
    S.SUBMITTED: {S.INSPECTED},
    S.INSPECTED: {S.APPROVED, S.REFUSED},
    S.APPROVED: {S.DISCLOSED},
    S.DISCLOSED: {S.INSPECTED, S.PAID},  # an objection reopens the review
}
TABLES: dict[type[models.Model], dict] = {Survey: SURVEY, Application: APPLICATION}


def move(obj: models.Model, target: str, **fields) -> None:
    """Move ``obj`` to ``target`` (with other ``fields`` set in the same update) if the table
    allows it and nobody moved it first; else WrongState."""
    model = type(obj)
    source = obj.status  # type: ignore[attr-defined]
    labels = dict(model._meta.get_field("status").choices or [])  # type: ignore[union-attr]
    refused = WrongState(
        what=model._meta.verbose_name,
        status=labels.get(source, source),
        target=labels.get(target, target),
    )
    if target not in TABLES[model].get(source, set()):
        raise refused
    extra = {"version": F("version") + 1} if model is Application else {}
    done = model._default_manager.filter(pk=obj.pk, status=source).update(
        status=target, **fields, **extra
    )
    if done != 1:
        raise refused
    obj.status = target  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(obj, name, value)


def lapse_drafts(scheme_id: int) -> list[int]:
    """Every draft of the scheme moved to LAPSED at once; the ids that moved."""
    ids = list(
        Application.objects.filter(scheme_id=scheme_id, status=S.DRAFT).values_list("pk", flat=True)
    )
    if ids:
        Application.objects.filter(pk__in=ids, status=S.DRAFT).update(
            status=S.LAPSED, version=F("version") + 1
        )
    return ids


#: a returned subsidy payment: the bureau corrects the card, the next batch pays it again
RETURN: dict[str, set[str]] = {
    R.RETURNED: {R.CORRECTED},  # the unit is flagged until its card is corrected
    R.CORRECTED: {R.REISSUED},  # paid again by a repayment line of a later batch
}


def move_returns(ids: list[int], source: str, target: str, **fields) -> int:
    """Move the returns ``ids`` still in ``source`` to ``target`` (a guarded update); how
    many moved — fewer than asked means someone moved them first."""
    if target not in RETURN.get(source, set()):
        raise ValueError(f"{source} → {target}")
    return PaymentReturn.objects.filter(pk__in=ids, status=source).update(status=target, **fields)
