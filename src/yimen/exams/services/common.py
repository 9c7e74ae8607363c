"""What every exams use case shares: the permission check (fails closed), the audit entry
with the actor's role, and the dated settings in force for a division."""

from __future__ import annotations

from datetime import date

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.dated import nearest_row

from ..errors import NotAllowed
from ..models import ExamSettings


def require(actor, action: Action, division_code: str) -> str:
    """The role of the first binding of ``actor`` allowing ``action`` at the division, or
    NotAllowed. System actions (``actor`` None) are allowed."""
    if actor is None:
        return ""
    role = acting_role(actor, action, division_code)
    if role is None:
        raise NotAllowed()
    return role


def audit(event: EventType, subject, *, actor, role: str, division: str, **kw):
    return record_event(
        event_type=event, subject=subject, actor=actor, role=role, division_code=division, **kw
    )


def settings_for(division_code: str, on: date) -> ExamSettings:
    """The dated settings in force, or the defaults (unsaved, marked as placeholders)."""
    row = nearest_row(ExamSettings, division_code, on)
    return row or ExamSettings(valid_from=on, placeholder=True)
