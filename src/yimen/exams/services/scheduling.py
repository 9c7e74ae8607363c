"""Applications, sessions, seats and the green channel.

An application is checked against the category in force on the day (its reasons kept when
refused); the exam must be held within the configured days (60, T30 Art 13). Seats are
assigned green channel first, then by date of application."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.regions.codes import prefix_of
from yimen.regions.models import Division

from .. import rules
from ..errors import (
    NoCategory,
    NotAllowed,
    ReasonNeeded,
    RequestPending,
    RetakesUsed,
    RevocationBar,
    SessionFull,
    TooLate,
    TwoInvigilators,
)
from ..models import (
    Application,
    ApplicationStatus,
    Candidate,
    Category,
    Certificate,
    Employer,
    ExamSession,
    GreenChannel,
    GreenChannelRequest,
    Paper,
    Question,
    RequestStatus,
)
from ..transitions import move
from .common import audit, require, settings_for


def category_in_force(code: str, on: date) -> Category:
    """The version of category ``code`` in force on ``on``."""
    row = Category.objects.filter(code=code, valid_from__lte=on).order_by("-valid_from").first()
    if row is None:
        raise NoCategory(code)
    return row


def green_channel_open(employer: Employer | None, on: date) -> bool:
    return employer is not None and employer.channels.filter(valid_until__gte=on).exists()


@transaction.atomic
def green_channel_approve(
    *, employer: Employer, reason: str, valid_until: date, actor
) -> GreenChannel:
    """Approve a firm's request: the named approver and the reason are kept and audited."""
    role = require(actor, Action.EXAM_ADMINISTER, employer.division_id)
    if not reason.strip():
        raise ReasonNeeded()
    channel = GreenChannel.objects.create(
        employer=employer,
        reason=reason.strip()[:300],
        approved_by=actor,
        approved_at=timezone.now(),
        valid_until=valid_until,
    )
    audit(
        EventType.EXAM_GREEN_CHANNEL,
        employer,
        actor=actor,
        role=role,
        division=employer.division_id,
        reason=reason,
        signer=actor,
        new={"valid_until": valid_until.isoformat()},
    )
    return channel


@transaction.atomic
def green_channel_request(
    *, employer: Employer, reason: str, actor, today: date
) -> GreenChannelRequest:
    """The firm asks for the green channel from the employer's page (its contact only);
    one open request at a time."""
    if employer.contact_id != getattr(actor, "pk", None):
        raise NotAllowed()
    role = require(actor, Action.EXAM_ENROL, employer.division_id)
    if not reason.strip():
        raise ReasonNeeded()
    Employer.objects.select_for_update().filter(pk=employer.pk).first()  # one at a time
    if employer.requests.filter(status=RequestStatus.REQUESTED).exists():
        raise RequestPending()
    request = GreenChannelRequest.objects.create(
        employer=employer, reason=reason.strip()[:300], requested_by=actor, requested_on=today
    )
    audit(
        EventType.EXAM_GREEN_REQUESTED,
        employer,
        actor=actor,
        role=role,
        division=employer.division_id,
        reason=reason,
    )
    return request


@transaction.atomic
def green_channel_decide(
    *, request: GreenChannelRequest, approve: bool, valid_until: date | None, note: str, actor
) -> GreenChannelRequest:
    """The administrator approves the firm's request — a green channel valid to
    ``valid_until``, the administrator as signer — or refuses it with a reason. Two
    administrators deciding at once: the second gets WrongState."""
    employer = request.employer
    role = require(actor, Action.EXAM_ADMINISTER, employer.division_id)
    if approve:
        if valid_until is None:
            raise ReasonNeeded()
        channel = green_channel_approve(
            employer=employer, reason=request.reason, valid_until=valid_until, actor=actor
        )
        move(request, RequestStatus.APPROVED, decided_by=actor, channel=channel, note=note[:300])
        return request
    if not note.strip():
        raise ReasonNeeded()
    move(request, RequestStatus.REFUSED, decided_by=actor, note=note.strip()[:300])
    audit(
        EventType.EXAM_GREEN_REFUSED,
        employer,
        actor=actor,
        role=role,
        division=employer.division_id,
        reason=note,
        signer=actor,
    )
    return request


@transaction.atomic
def application_submit(
    *, candidate: Candidate, category_code: str, actor, on: date, division: Division | None = None
) -> Application:
    """Apply where registered or where working (``division``). Ineligible candidates get
    an application in "not eligible" with every reason, so they see why."""
    division = division or candidate.division
    if candidate.user_id and candidate.user_id == getattr(actor, "pk", None):
        role = require(actor, Action.EXAM_SIT, candidate.division_id)
    elif candidate.employer and candidate.employer.contact_id == getattr(actor, "pk", None):
        role = require(actor, Action.EXAM_ENROL, candidate.employer.division_id)
    else:
        role = require(actor, Action.EXAM_ADMINISTER, division.code)
    bar = (
        Certificate.objects.filter(candidate=candidate, status="revoked")
        .order_by("-revoked_on")
        .first()
    )
    if bar and bar.revoked_on and on < rules.add_years(bar.revoked_on, rules.REVOCATION_BAR_YEARS):
        raise RevocationBar(until=rules.add_years(bar.revoked_on, rules.REVOCATION_BAR_YEARS))
    category = category_in_force(category_code, on)
    verdict = rules.eligibility(
        birth_date=candidate.birth_date,
        education=candidate.education,
        health_checked_on=candidate.health_checked_on,
        training_hours=candidate.training_hours,
        on=on,
        category=category,
    )
    clocks = settings_for(division.code, on)
    application = Application.objects.create(
        candidate=candidate,
        category=category,
        division=division,
        applied_on=on,
        exam_due_on=rules.exam_due(on, clocks.schedule_days),
        status=ApplicationStatus.APPLIED if verdict.ok else ApplicationStatus.REFUSED,
        refusal=[{"code": r.code, "message": r.message} for r in verdict.reasons],
        green_channel=green_channel_open(candidate.employer, on),
    )
    audit(
        EventType.EXAM_APPLIED,
        application,
        actor=actor,
        role=role,
        division=division.code,
        new={"category": category.code, "eligible": verdict.ok},
    )
    return application


@transaction.atomic
def session_open(
    *,
    name: str,
    division: Division,
    site: str,
    room: str,
    starts_at: datetime,
    capacity: int,
    invigilators: str,
    actor,
) -> ExamSession:
    """A sitting in one room; two invigilators are named (the room record names them)."""
    role = require(actor, Action.EXAM_ADMINISTER, division.code)
    if len([n for n in invigilators.replace("，", ",").split(",") if n.strip()]) < 2:
        raise TwoInvigilators()
    session = ExamSession.objects.create(
        name=name,
        division=division,
        site=site,
        room=room,
        starts_at=starts_at,
        capacity=capacity,
        invigilators=invigilators,
    )
    audit(
        EventType.EXAM_SESSION_OPENED,
        session,
        actor=actor,
        role=role,
        division=division.code,
        new={"capacity": capacity, "starts_at": starts_at.isoformat()},
    )
    return session


def _ticket() -> str:
    return secrets.token_hex(4).upper()


@transaction.atomic
def application_schedule(*, application: Application, session: ExamSession, actor) -> Paper:
    """Give the application a seat (its paper) in ``session``: within the exam-due date,
    within capacity, and only while a retake is left."""
    role = require(actor, Action.EXAM_ADMINISTER, session.division_id)
    require(actor, Action.EXAM_ADMINISTER, application.division_id)
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    day = timezone.localtime(session.starts_at).date()
    if day > application.exam_due_on and application.theory_attempts == 0:
        raise TooLate(due=application.exam_due_on)
    if not rules.may_retake(application.theory_attempts):
        raise RetakesUsed()
    taken = session.papers.count()
    if taken >= session.capacity:
        raise SessionFull()
    bank_version = (
        Question.objects.filter(category_code=application.category.code)
        .order_by("-bank_version")
        .values_list("bank_version", flat=True)
        .first()
        or 1
    )
    move(application, ApplicationStatus.SCHEDULED)
    used = set(session.papers.values_list("seat", flat=True))
    seat = next(n for n in range(1, session.capacity + 1) if n not in used)
    for _attempt in range(5):
        ticket = _ticket()
        try:
            with transaction.atomic():
                paper = Paper.objects.create(
                    application=application,
                    session=session,
                    seat=seat,
                    ticket=ticket,
                    seed=rules.paper_seed(ticket, bank_version),
                )
            break
        except IntegrityError:  # a ticket code drawn twice: draw again
            continue
    audit(
        EventType.EXAM_SCHEDULED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"session": session.pk, "seat": seat},
    )
    return paper


def schedule_waiting(*, session: ExamSession, actor, limit: int | None = None) -> list[Paper]:
    """Fill the session's free seats from the waiting list: green channel first, then the
    earliest application, only those whose exam-due date the session meets."""
    day = timezone.localtime(session.starts_at).date()
    free = session.capacity - session.papers.count()
    waiting = Application.objects.filter(
        status=ApplicationStatus.APPLIED,
        division__code__startswith=prefix_of(session.division_id),
        exam_due_on__gte=day,
    ).order_by("-green_channel", "applied_on", "pk")[: max(0, min(free, limit or free))]
    return [application_schedule(application=a, session=session, actor=actor) for a in waiting]


def session_window(session: ExamSession) -> tuple[datetime, datetime]:
    return session.starts_at, session.starts_at + timedelta(minutes=120)
