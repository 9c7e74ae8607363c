"""A visit's life before and after its bill: cancel, discharge, undo the discharge.

Called by the hospital interface (2202, 2402, 2404, 2405, and 2601 of a 2401), which
checks the message and names the visit (row-locked); the rules of each move live here and
the move itself in ``transitions``. A refusal is a coded error; the interface answers it
with its Chinese text.
"""

from __future__ import annotations

from datetime import datetime

from ..errors import VisitHasLines, VisitNotDischarged, VisitNotInHospital, VisitNotOpen
from ..models import Encounter
from ..models.encounter import EncounterKind, EncounterStatus
from ..transitions import visit_move


def visit_cancel(visit: Encounter) -> Encounter:
    """Withdraw a registration or admission that has no fee lines and no settlement."""
    if visit.status in (EncounterStatus.SETTLED, EncounterStatus.CANCELLED):
        raise VisitNotOpen()
    if visit.fees.exists():
        raise VisitHasLines()
    visit_move(visit, EncounterStatus.CANCELLED)
    return visit


def visit_discharge(visit: Encounter, *, at: datetime) -> Encounter:
    """An inpatient leaves (2402): the stay ends at ``at`` and the bill may be settled."""
    if visit.kind != EncounterKind.INPATIENT or visit.status != EncounterStatus.OPEN:
        raise VisitNotInHospital()
    visit_move(visit, EncounterStatus.DISCHARGED, endtime=at)
    return visit


def visit_discharge_undo(visit: Encounter) -> Encounter:
    """Undo a discharge not yet settled (2405): the patient is in hospital again."""
    if visit.status != EncounterStatus.DISCHARGED:
        raise VisitNotDischarged()
    visit_move(visit, EncounterStatus.OPEN, endtime=None)
    return visit
