"""What every subsidy use case shares: the permission check (fails closed), the audit entry
with the actor's role, and the clock of a scheme in Beijing time."""

from __future__ import annotations

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role
from yimen.audit.events import EventType
from yimen.audit.services import record_event

from ..errors import NotAllowed
from ..models import Unit


def require(actor, action: Action, division_code: str) -> str:
    """The role of the first binding of ``actor`` allowing ``action`` at the division, or
    NotAllowed. System actions (``actor`` None: the deadline job) are allowed."""
    if actor is None:
        return ""
    role = acting_role(actor, action, division_code)
    if role is None:
        raise NotAllowed()
    return role


def require_for_unit(actor, unit: Unit) -> tuple[str, str]:
    """(role, channel) of ``actor`` acting on ``unit``'s application: the unit's own account
    online, or a surveyor at the counter on its behalf; anyone else is refused."""
    if actor is not None and unit.account_id == actor.pk:
        role = acting_role(actor, Action.SUBSIDY_APPLY, unit.division_id)
        if role is not None:
            return role, "online"
    return require(actor, Action.SUBSIDY_SURVEY, unit.division_id), "counter"


def audit(event: EventType, subject, *, actor, role: str, division: str, **kw):
    return record_event(
        event_type=event, subject=subject, actor=actor, role=role, division_code=division, **kw
    )
