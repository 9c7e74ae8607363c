"""The state machines of settlement, declared in one place; ``status`` is assigned only here.

Each move is a guarded ``filter(pk=…, status=source).update(status=target, …)``, so of two
concurrent moves from one state only one wins; a move not declared below, or lost to a
concurrent one, raises the app's coded ``…WrongState`` error and writes nothing.

Visits (就诊, ``Encounter``):
    open → discharged (2402 出院), discharged → open (2405 撤销出院);
    open | discharged → settled (2207 outpatient; 2304 inpatient, which must be discharged);
    settled → open | discharged (its settlement cancelled: 2208/2305, or 2601 of a 2207/2304);
    open | discharged → cancelled (2202/2404 撤销, or 2601 of a 2401; no fee lines left).
Settlements: created settled; settled → cancelled (2208/2305 or 2601 of a 2207/2304);
    cancelled → settled (2601 of a 2208/2305).
Filings (备案): created active; active → cancelled.

The settlement fast path (fsi/settle_fast.py) sends ``visit_settle_statement`` — the same
guarded UPDATE as SQL — with its other writes; it has locked the visit and checked its state.
"""

from __future__ import annotations

from typing import Any

from .errors import FilingInactive, SettlementWrongState, VisitWrongState
from .models import Encounter, Filing, FilingStatus, Settlement, SettlementStatus
from .models.encounter import EncounterStatus

V, S = EncounterStatus, SettlementStatus

VISIT_ALLOWED: dict[str, frozenset[str]] = {
    V.OPEN: frozenset({V.DISCHARGED, V.SETTLED, V.CANCELLED}),
    V.DISCHARGED: frozenset({V.OPEN, V.SETTLED, V.CANCELLED}),
    V.SETTLED: frozenset({V.OPEN, V.DISCHARGED}),
}
SETTLEMENT_INITIAL = S.SETTLED
SETTLEMENT_ALLOWED: dict[str, frozenset[str]] = {
    S.SETTLED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset({S.SETTLED}),
}
FILING_ALLOWED: dict[str, frozenset[str]] = {
    FilingStatus.ACTIVE: frozenset({FilingStatus.CANCELLED}),
}

#: the guarded UPDATE of a visit to settled, for the fast path's pipeline
VISIT_SETTLE = "UPDATE settlement_encounter SET status = %s WHERE id = %s AND status = %s"


def _visit_refused(visit: Encounter, target: str) -> VisitWrongState:
    return VisitWrongState(
        visit=visit.mdtrt_id, status=V(visit.status).label, target=V(target).label
    )


def visit_move(visit: Encounter, target: str, **fields: Any) -> None:
    """Move ``visit`` from its current status to ``target`` (with ``fields`` in the same
    UPDATE), guarded by the status in the database; ``visit`` is updated in memory too."""
    source = visit.status
    if target not in VISIT_ALLOWED.get(source, frozenset()):
        raise _visit_refused(visit, target)
    moved = Encounter.objects.filter(pk=visit.pk, status=source).update(status=target, **fields)
    if moved != 1:
        raise _visit_refused(visit, target)
    visit.status = target
    for name, value in fields.items():
        setattr(visit, name, value)


def visit_settle_statement(*, visit_id: int, source: str) -> tuple[str, list[Any]]:
    """``VISIT_SETTLE`` and its parameters: the visit, in ``source``, becomes settled."""
    if V.SETTLED not in VISIT_ALLOWED.get(source, frozenset()):
        raise VisitWrongState(visit=str(visit_id), status=V(source).label, target=V.SETTLED.label)
    return VISIT_SETTLE, [V.SETTLED.value, visit_id, source]


def settlement_move(settlement: Settlement, target: str, **fields: Any) -> None:
    """Move ``settlement`` to ``target`` (with ``fields``), guarded like ``visit_move``."""
    source = settlement.status
    if target not in SETTLEMENT_ALLOWED.get(source, frozenset()):
        raise SettlementWrongState(
            setl_id=settlement.setl_id, status=S(source).label, target=S(target).label
        )
    moved = Settlement.objects.filter(pk=settlement.pk, status=source).update(
        status=target, **fields
    )
    if moved != 1:
        raise SettlementWrongState(
            setl_id=settlement.setl_id, status=S(source).label, target=S(target).label
        )
    settlement.status = target
    for name, value in fields.items():
        setattr(settlement, name, value)


def filing_move(filing: Filing, target: str, **fields: Any) -> None:
    """Move ``filing`` to ``target`` (with ``fields``); a filing no longer active refuses."""
    source = filing.status
    if target not in FILING_ALLOWED.get(source, frozenset()):
        raise FilingInactive()
    if Filing.objects.filter(pk=filing.pk, status=source).update(status=target, **fields) != 1:
        raise FilingInactive()
    filing.status = target
    for name, value in fields.items():
        setattr(filing, name, value)
