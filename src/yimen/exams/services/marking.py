"""Results: the theory score from the paper, practicals marked by two examiners (a third
when they differ by more than the configured margin), one retake per part, a passed
theory part valid 12 months for the practical; a passed application asks for its
certificate, on the clocks of its division (shorter through the green channel)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.workflow.calendar import add_working_days

from .. import rules
from ..errors import SameExaminer, TheoryExpired, WrongState
from ..models import Application, Certificate, Parts, PracticalMark
from ..models import ApplicationStatus as AS
from ..transitions import move
from .common import audit, require, settings_for


def certificate_request(*, application: Application, day: date) -> Certificate:
    """A passed application asks for its certificate: acceptance due in 5 working days
    (the green channel's shorter clock when the firm has one)."""
    clocks = settings_for(application.division_id, day)
    days = (
        clocks.green_accept_working_days
        if application.green_channel
        else clocks.accept_working_days
    )
    return Certificate.objects.create(
        application=application,
        candidate=application.candidate,
        division=application.division,
        requested_on=day,
        accept_due_on=add_working_days(day, days),
    )


def record_theory(*, application: Application, score, day: date) -> None:
    """Apply a theory result to the application (called by the paper's submission)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    attempts = application.theory_attempts + 1
    clocks = settings_for(application.division_id, day)
    fields = {
        "theory_attempts": attempts,
        "theory_score": Decimal(score),
        "results_due_on": rules.results_due(day, clocks.results_working_days),
    }
    if rules.passed(Decimal(score)):
        fields["theory_passed_on"] = day
        if application.category.parts == Parts.THEORY:
            move(application, AS.PASSED, **fields)
            certificate_request(application=application, day=day)
        else:
            move(application, AS.THEORY_PASSED, **fields)
    elif rules.may_retake(attempts):
        move(application, AS.APPLIED, **fields)
    else:
        move(application, AS.FAILED, **fields)


@transaction.atomic
def practical_mark(
    *, application: Application, score: Decimal, actor, day: date | None = None
) -> Decimal | None:
    """One examiner's mark; returns the practical score once decided (None while a second
    or third mark is due). The theory pass must be under 12 months old."""
    role = require(actor, Action.EXAM_INVIGILATE, application.division_id)
    day = day or timezone.localdate()
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != AS.THEORY_PASSED:
        raise WrongState(
            what=application._meta.verbose_name,
            status=application.get_status_display(),
            target=AS.PASSED.label,
        )
    if not rules.theory_still_valid(application.theory_passed_on, day):
        raise TheoryExpired()
    attempt = application.practical_attempts + 1
    marks = PracticalMark.objects.filter(application=application, attempt=attempt)
    if marks.filter(examiner=actor).exists():
        raise SameExaminer()
    PracticalMark.objects.create(
        application=application, attempt=attempt, examiner=actor, score=Decimal(score)
    )
    audit(
        EventType.EXAM_PRACTICAL_MARKED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"attempt": attempt, "score": str(score)},
    )
    margin = settings_for(application.division_id, day).examiner_margin
    final = rules.practical_score(
        list(marks.order_by("pk").values_list("score", flat=True)), margin
    )
    if final is None:
        return None
    fields = {"practical_attempts": attempt, "practical_score": final}
    if rules.passed(final):
        move(application, AS.PASSED, **fields)
        certificate_request(application=application, day=day)
    elif rules.may_retake(attempt):
        Application.objects.filter(pk=application.pk).update(**fields)
    else:
        move(application, AS.FAILED, **fields)
    return final
