"""The only code that assigns a fire case's status (house rule 3): a declared table of
allowed moves, each a guarded ``filter(status=source).update(...)`` so two concurrent
moves cannot both win.

    dispatched ──arrive──▶ on_site ──verify──▶ verified ──close (township signs)──▶ closed
         └──────────────verify───────────────────┘   ◀──return── (township)
    a detection under a valid permit: created as permitted (closed at once)"""

from __future__ import annotations

from .errors import WrongState
from .models import CaseStatus as S
from .models import FireCase

CASE: dict[str, set[str]] = {
    S.DISPATCHED: {S.ON_SITE, S.VERIFIED},
    S.ON_SITE: {S.VERIFIED},
    S.VERIFIED: {S.CLOSED, S.ON_SITE},
}
#: the states a case may be created in
INITIAL = {S.DISPATCHED, S.PERMITTED}


def initial(permitted: bool) -> str:
    return S.PERMITTED if permitted else S.DISPATCHED


def move(case: FireCase, target: str, **fields) -> None:
    """Move ``case`` to ``target`` (with ``fields`` set in the same update) if the table
    allows it and nobody moved it first; else WrongState."""
    source = case.status
    labels = dict(S.choices)
    refused = WrongState(
        what=FireCase._meta.verbose_name,
        status=labels.get(source, source),
        target=labels.get(target, target),
    )
    if target not in CASE.get(source, set()):
        raise refused
    done = FireCase.objects.filter(pk=case.pk, status=source).update(status=target, **fields)
    if done != 1:
        raise refused
    case.status = target
    for name, value in fields.items():
        setattr(case, name, value)
