"""Small helpers shared by both sides of the transfer."""

from __future__ import annotations

from typing import Any

from yimen.audit.events import EventType
from yimen.audit.services import record_event

from ..models import Transfer


def actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    return getattr(actor, "full_name", "") or getattr(actor, "username", "") or str(actor)


def audit(transfer: Transfer, event: EventType, *, actor: Any = None, new=None, reason="") -> None:
    """Audit a change of a transfer: the user when staff acted, none when a node message did."""
    user = actor if getattr(actor, "pk", None) else None
    record_event(
        event_type=event,
        subject=transfer,
        actor=user,
        role="medins_agency" if user else "",
        division_code=transfer.to_division
        if transfer.side == "incoming"
        else transfer.from_division,
        new={"status": transfer.status, **(new or {})},
        reason=reason or f"peer {transfer.peer}",
    )


def require_staff(actor: Any, division_code: str) -> None:
    """Staff actions on a transfer need the medins role over its region on this side."""
    from django.utils.translation import gettext_lazy as _

    from yimen.accounts.roles import Action
    from yimen.accounts.scoping import can
    from yimen.errors import Forbidden

    if actor is not None and not can(actor, Action.MEDINS_HANDLE, division_code):
        raise Forbidden(_("Only insurance staff of this region may act on this transfer."))
