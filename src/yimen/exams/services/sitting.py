"""The computer-based theory exam. The server keeps the clock (``Paper.ends_at``), every
answer is written as it is given, and signing in again with ID number and ticket code —
after a browser crash, on another computer, after a server restart — resumes the same
paper with the time left. A paper past its end is submitted by the first request that
sees it (or by ``papers_close_expired``), so nothing depends on the browser's clock.
The answer key stays on the server: the candidate's pages get ``paper_view`` only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.audit.events import EventType

from .. import rules
from ..errors import (
    BadAnswer,
    BadTicket,
    BankTooSmall,
    PaperClosed,
    PapersStillOpen,
    ReasonNeeded,
)
from ..models import (
    Answer,
    ApplicationStatus,
    ExamSession,
    Paper,
    PaperStatus,
    Question,
    QuestionKind,
    SessionStatus,
)
from ..transitions import move
from .common import audit, require
from .marking import record_theory

DURATION = timedelta(minutes=120)
EARLY = timedelta(minutes=30)  # the room opens this long before the start


def _draw(paper: Paper) -> list[dict]:
    category = paper.application.category
    bank = list(
        Question.objects.filter(category_code=category.code)
        .order_by("pk")
        .values_list("pk", "kind", "options", "tier", "difficulty")
    )
    blueprint = category.blueprint or {"tf": 40, "single": 50, "multiple": 10}
    try:
        return rules.draw_paper(
            paper.seed, [(q, k, len(o), t, d) for q, k, o, t, d in bank], blueprint
        )
    except ValueError as exc:
        raise BankTooSmall(str(exc)) from None


@transaction.atomic
def paper_sign_in(*, id_number: str, ticket: str, now: datetime | None = None) -> Paper:
    """Sign in at the seat: start the paper, or resume it with the time left. No account
    is needed (the seat's computer is shared); the ID number and ticket are the key."""
    now = now or timezone.now()
    paper = (
        Paper.objects.select_for_update()
        .select_related("session", "application__category", "application__candidate")
        .filter(
            ticket=ticket.strip().upper(),
            application__candidate__id_number=id_number.strip().upper(),
        )
        .first()
    )
    if paper is None or paper.session.status != SessionStatus.OPEN:
        raise BadTicket()
    if paper.status == PaperStatus.ISSUED:
        if now < paper.session.starts_at - EARLY:
            raise BadTicket()
        items = _draw(paper)
        move(
            paper,
            PaperStatus.SITTING,
            items=items,
            started_at=now,
            ends_at=now + DURATION + timedelta(minutes=paper.extra_minutes),
        )
        audit(
            EventType.EXAM_STARTED,
            paper,
            actor=None,
            role="",
            division=paper.session.division_id,
            new={"seat": paper.seat},
        )
        return paper
    if paper.status == PaperStatus.SITTING and paper.ends_at and now >= paper.ends_at:
        paper_submit(paper=paper, now=now)
    if paper.status != PaperStatus.SITTING:
        raise PaperClosed()
    return paper


def seconds_left(paper: Paper, now: datetime | None = None) -> int:
    now = now or timezone.now()
    if paper.ends_at is None:
        return 0
    return max(0, int((paper.ends_at - now).total_seconds()))


def paper_view(paper: Paper) -> list[dict]:
    """What the candidate's browser may see: text, type and options in the paper's order,
    the choice saved so far — never the key."""
    questions = Question.objects.in_bulk([i["q"] for i in paper.items])
    saved = dict(paper.answers.values_list("position", "chosen"))
    out = []
    for position, item in enumerate(paper.items):
        q = questions[item["q"]]
        out.append(
            {
                "position": position,
                "number": position + 1,
                "kind": q.kind,
                "kind_label": QuestionKind(q.kind).label,
                "text": q.text,
                "options": [(i, q.options[o]) for i, o in enumerate(item["order"])],
                "chosen": saved.get(position, []),
            }
        )
    return out


def answer_save(
    *, paper_id: int, position: int, chosen: list[int], now: datetime | None = None
) -> int:
    """Save one answer (replacing the earlier one at that position) and return the seconds
    left. Refused when the paper is closed or gone, or its time is up (then it is
    submitted). Two statements — read the paper, upsert the answer — since this runs for
    every click of every candidate in the room (bench/exams_load.py)."""
    now = now or timezone.now()
    paper = Paper.objects.only("id", "status", "ends_at", "items").filter(pk=paper_id).first()
    if paper is None:
        raise PaperClosed()
    if paper.status != PaperStatus.SITTING:
        raise PaperClosed()
    if paper.ends_at is not None and now >= paper.ends_at:
        with transaction.atomic():
            locked = Paper.objects.select_for_update().get(pk=paper_id)
            if locked.status == PaperStatus.SITTING:
                paper_submit(paper=locked, now=now)
        raise PaperClosed()
    if not 0 <= position < len(paper.items):
        raise BadAnswer()
    size = len(paper.items[position]["order"])
    chosen = sorted(set(chosen))
    if not chosen or any(not 0 <= c < size for c in chosen):
        raise BadAnswer()
    item = paper.items[position]
    kind = item.get("k") or Question.objects.get(pk=item["q"]).kind  # "k": drawn since 2026-12
    if kind != QuestionKind.MULTIPLE and len(chosen) != 1:
        raise BadAnswer()
    # one statement: insert, or replace the earlier answer at this position
    Answer.objects.bulk_create(
        [Answer(paper_id=paper_id, position=position, chosen=chosen, saved_at=now)],
        update_conflicts=True,
        unique_fields=["paper", "position"],
        update_fields=["chosen", "saved_at"],
    )
    return seconds_left(paper, now)


@transaction.atomic
def paper_submit(*, paper: Paper, now: datetime | None = None, actor=None) -> Paper:
    """Close and score the paper (by the candidate, or automatically at time)."""
    now = now or timezone.now()
    keys = dict(
        Question.objects.filter(pk__in=[i["q"] for i in paper.items]).values_list("pk", "answer")
    )
    chosen = dict(paper.answers.values_list("position", "chosen"))
    score = rules.score_answers(paper.items, keys, chosen)
    move(paper, PaperStatus.SUBMITTED, submitted_at=now, score=score)
    audit(
        EventType.EXAM_SUBMITTED,
        paper,
        actor=actor,
        role="",
        division=paper.session.division_id,
        new={
            "score": str(score),
            "answered": len(chosen),
            "auto": actor is None and paper.ends_at is not None and now >= paper.ends_at,
        },
    )
    record_theory(application=paper.application, score=score, day=timezone.localdate(now))
    return paper


def papers_close_expired(*, now: datetime | None = None) -> int:
    """Submit every paper whose time is up (a task, safe to rerun)."""
    now = now or timezone.now()
    done = 0
    for pk in Paper.objects.filter(status=PaperStatus.SITTING, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            paper = Paper.objects.select_for_update().get(pk=pk)
            if paper.status == PaperStatus.SITTING:
                paper_submit(paper=paper, now=now)
                done += 1
    return done


@transaction.atomic
def room_event(*, paper: Paper, kind: str, actor, reason: str = "", minutes: int = 0) -> Paper:
    """The invigilator's record: ``absent``, ``misconduct`` (ends the paper, reason needed)
    or ``extra_time`` (minutes, reason needed). Each goes to the room record and the audit."""
    role = require(actor, Action.EXAM_INVIGILATE, paper.session.division_id)
    paper = Paper.objects.select_for_update().select_related("session").get(pk=paper.pk)
    reason = reason.strip()
    if kind != "absent" and not reason:
        raise ReasonNeeded()
    if kind == "absent":
        move(paper, PaperStatus.ABSENT)
        if paper.application.status == ApplicationStatus.SCHEDULED:
            move(paper.application, ApplicationStatus.APPLIED)  # back on the waiting list
    elif kind == "misconduct":
        move(paper, PaperStatus.VOIDED, note=reason[:300], submitted_at=timezone.now(), score=0)
        record_theory(application=paper.application, score=0, day=timezone.localdate())
    elif kind == "extra_time" and 0 < minutes <= 60 and paper.status in ("issued", "sitting"):
        fields: dict[str, object] = {"extra_minutes": paper.extra_minutes + minutes}
        if paper.ends_at:
            fields["ends_at"] = paper.ends_at + timedelta(minutes=minutes)
        type(paper).objects.filter(pk=paper.pk).update(**fields)
    else:
        raise BadAnswer()
    # the room's record is one JSON list: lock the room so two invigilators' entries at the
    # same moment both land (read-modify-write)
    session = ExamSession.objects.select_for_update().get(pk=paper.session_id)
    session.log = [
        *session.log,
        {
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "seat": paper.seat,
            "kind": kind,
            "reason": reason,
            "minutes": minutes,
            "by": actor.get_full_name(),
        },
    ]
    session.save(update_fields=["log"])
    audit(
        EventType.EXAM_ROOM_EVENT,
        paper,
        actor=actor,
        role=role,
        division=session.division_id,
        reason=reason,
        new={"kind": kind, "minutes": minutes},
    )
    return paper


@transaction.atomic
def session_close(*, session: ExamSession, actor, now: datetime | None = None) -> ExamSession:
    """Close the room after the exam (site manager, invigilator or administrator): every
    paper whose time is up is submitted, every paper never started is recorded absent (its
    application goes back to the waiting list), and the room is closed — after which no
    paper of it can be started or resumed. Refused while a candidate still has time left.
    The closing goes to the room record and the audit log."""
    now = now or timezone.now()
    role = require(actor, Action.EXAM_INVIGILATE, session.division_id)
    room = ExamSession.objects.select_for_update().get(pk=session.pk)
    papers = list(
        Paper.objects.select_for_update()
        .select_related("session", "application")
        .filter(session=room, status__in=[PaperStatus.ISSUED, PaperStatus.SITTING])
    )
    writing = [
        p for p in papers if p.status == PaperStatus.SITTING and p.ends_at and now < p.ends_at
    ]
    if writing:
        raise PapersStillOpen(n=len(writing))
    submitted = absent = 0
    for paper in papers:
        if paper.status == PaperStatus.SITTING:
            paper_submit(paper=paper, now=now)
            submitted += 1
        else:
            move(paper, PaperStatus.ABSENT)
            if paper.application.status == ApplicationStatus.SCHEDULED:
                move(paper.application, ApplicationStatus.APPLIED)
            absent += 1
    move(room, SessionStatus.CLOSED)
    room.log = [
        *room.log,
        {
            "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
            "seat": "",
            "kind": "closed",
            "reason": "",
            "minutes": 0,
            "by": actor.get_full_name() if actor else "",
            "submitted": submitted,
            "absent": absent,
        },
    ]
    room.save(update_fields=["log"])
    audit(
        EventType.EXAM_SESSION_CLOSED,
        room,
        actor=actor,
        role=role,
        division=room.division_id,
        new={"submitted": submitted, "absent": absent},
    )
    return room
