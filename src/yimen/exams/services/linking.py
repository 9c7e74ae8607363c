"""Linking a candidate record to the person's own account.

An employer's bulk import or the exam office registers candidates who have no account yet;
typing someone's ID number on one's own page must never take over their record (see
``candidate_register``). So staff who registered the person hand over a one-time link code
(printed or read out); the person enters their ID number and the code on "My safety exams".
Only the code's keyed hash is stored; wrong attempts are counted per account."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from yimen.accounts import ratelimit
from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.audit.events import EventType
from yimen.people import parse_id_number

from ..errors import (
    AccountHasRecord,
    AlreadyLinked,
    LinkCodeRefused,
    NotAllowed,
    TooManyLinkAttempts,
)
from ..models import Candidate
from .common import audit, require

# no 0/O, 1/I/L: the code is read out over the phone and typed on a phone
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
WRONG_ATTEMPTS_PER_HOUR = 5


def _hash(code: str) -> str:
    return salted_hmac("yimen.exams.link_code", code.strip().upper()).hexdigest()


def _staff_role(actor, candidate: Candidate) -> str:
    """The employer's contact for its own staff, else the exam office of the division."""
    employer = candidate.employer
    if employer is not None and employer.contact_id == getattr(actor, "pk", None):
        return require(actor, Action.EXAM_ENROL, employer.division_id)
    return require(actor, Action.EXAM_ADMINISTER, candidate.division_id)


@transaction.atomic
def link_code_issue(*, candidate: Candidate, actor, now: datetime) -> str:
    """A new code for an unlinked record (any earlier code stops working); shown once."""
    role = _staff_role(actor, candidate)
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.user_id is not None:
        raise AlreadyLinked()
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    days = settings.YIMEN_EXAMS_LINK_CODE_DAYS
    candidate.link_code_hash = _hash(code)
    candidate.link_code_expires_at = now + timedelta(days=days)
    candidate.save(update_fields=["link_code_hash", "link_code_expires_at"])
    audit(
        EventType.EXAM_LINK_CODE_ISSUED,
        candidate,
        actor=actor,
        role=role,
        division=candidate.division_id,
        new={"expires_at": candidate.link_code_expires_at.isoformat()},
    )
    return code


def candidate_link(*, user, id_number: str, code: str, now: datetime) -> Candidate:
    """Link the unlinked record with this ID number and a live code to ``user``'s account.
    Every refusal but the account's own record reads the same; wrong tries are limited."""
    bindings = bindings_for(user, Action.EXAM_SIT)
    if not bindings:
        raise NotAllowed()
    if Candidate.objects.filter(user=user).exists():
        raise AccountHasRecord()
    subject = f"user:{user.pk}"
    if ratelimit.used("exams.link", subject) >= WRONG_ATTEMPTS_PER_HOUR:
        raise TooManyLinkAttempts()
    try:
        number = parse_id_number(id_number, today=now.date()).number
    except Exception:  # a malformed number is a wrong guess like any other
        number = ""
    found = _linked(user=user, role=bindings[0].role, number=number, code=code, now=now)
    if found is None:
        ratelimit.use("exams.link", subject, window=3600)
        raise LinkCodeRefused()
    return found


@transaction.atomic
def _linked(*, user, role: str, number: str, code: str, now: datetime) -> Candidate | None:
    candidate = (
        Candidate.objects.select_for_update()
        .filter(id_number=number, user__isnull=True, link_code_expires_at__gt=now)
        .exclude(link_code_hash="")
        .first()
    )
    if candidate is None or not constant_time_compare(candidate.link_code_hash, _hash(code)):
        return None
    # guarded: two accounts racing with the same code cannot both win
    won = Candidate.objects.filter(pk=candidate.pk, user__isnull=True).update(
        user=user, link_code_hash="", link_code_expires_at=None
    )
    if not won:
        return None
    candidate.refresh_from_db()
    audit(
        EventType.EXAM_CANDIDATE_LINKED,
        candidate,
        actor=user,
        role=role,
        division=candidate.division_id,
        new={"user": user.pk},
    )
    return candidate
