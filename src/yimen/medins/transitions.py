"""The transfer's state machine, declared in one place; ``status`` is assigned only here.

Incoming side: requested → info_received → completed, or requested → refused.
Outgoing side: received → info_sent → confirmed, or received → refused."""

from __future__ import annotations

from django.utils import timezone

from .errors import WrongState
from .models import Side, Transfer, TransferStatus, TransferStep
from .rules import reason

S = TransferStatus

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    Side.INCOMING: {
        S.REQUESTED: frozenset({S.INFO_RECEIVED, S.REFUSED}),
        S.INFO_RECEIVED: frozenset({S.COMPLETED}),
    },
    Side.OUTGOING: {
        S.RECEIVED: frozenset({S.INFO_SENT, S.REFUSED}),
        S.INFO_SENT: frozenset({S.CONFIRMED}),
    },
}
TERMINAL = frozenset({S.COMPLETED, S.CONFIRMED, S.REFUSED})
INITIAL = {Side.INCOMING: S.REQUESTED, Side.OUTGOING: S.RECEIVED}


def initial_status(side: str) -> str:
    return INITIAL[Side(side)]


def move(transfer: Transfer, target: str) -> None:
    """Set the new status (caller saves, inside its transaction and row lock)."""
    if target not in ALLOWED[transfer.side].get(transfer.status, frozenset()):
        raise WrongState(transfer, target)
    transfer.status = target
    if target in TERMINAL:
        transfer.closed_at = timezone.now()


def step(transfer: Transfer, code: str, message, *, actor: str = "", **params) -> TransferStep:
    """Record a visible step in both languages."""
    texts = reason(code, message, **params)
    return TransferStep.objects.create(
        transfer=transfer,
        code=code,
        text_zh=texts["zh"][:500],
        text_en=texts["en"][:500],
        actor=actor[:100],
    )
