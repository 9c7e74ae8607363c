"""The only place a data-subject request's status changes: a guarded update from OPEN, so
two staff answering the same request at once cannot both win (house rule 3).

OPEN → FULFILLED (copy issued) · OPEN → CORRECTED / REFUSED (correction answered)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .errors import RequestClosed
from .models import RequestStatus, SubjectRequest

TARGETS = frozenset({RequestStatus.FULFILLED, RequestStatus.CORRECTED, RequestStatus.REFUSED})


def request_close(*, request_id: int, target: RequestStatus, actor: Any, **fields: Any) -> None:
    """Move an open request to ``target`` with the answer's fields; RequestClosed when it
    is no longer open (answered by someone else meanwhile)."""
    if target not in TARGETS:
        raise ValueError(f"no transition to {target}")
    moved = SubjectRequest.objects.filter(pk=request_id, status=RequestStatus.OPEN).update(
        status=target, decided_by=actor, decided_at=timezone.now(), **fields
    )
    if not moved:
        raise RequestClosed()
