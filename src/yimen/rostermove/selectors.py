"""Scoped reads of the import batches: a user sees the batches of the kinds it may move in,
in the divisions of its bindings, nothing else (fails closed)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent

from .errors import BatchNotFound
from .models import ImportBatch, Kind, MovedRecord, RowProblem
from .moving import BATCH_SUBJECT, moved_digest

ACTIONS = {
    Kind.ROSTER: Action.ROSTER_MIGRATE,
    Kind.SUBSIDY: Action.SUBSIDY_MIGRATE,
    Kind.CERTIFICATES: Action.EXAM_MIGRATE,
}


def kinds_for(user) -> list[str]:
    """The kinds ``user`` may move in somewhere."""
    return [kind for kind, action in ACTIONS.items() if bindings_for(user, action)]


def batches_visible_to(user) -> QuerySet[ImportBatch]:
    q = Q(pk__in=[])
    for kind, action in ACTIONS.items():
        if bindings_for(user, action):
            q |= Q(kind=kind) & division_q(user, action, field="division__code")
    return ImportBatch.objects.filter(q)


def batch_for(user, pk: int) -> ImportBatch:
    """One batch, or BatchNotFound outside ``user``'s scope (absent and hidden look alike)."""
    found = batches_visible_to(user).filter(pk=pk).select_related("division").first()
    if found is None:
        raise BatchNotFound()
    return found


def problems_of(batch: ImportBatch, *, blocking: bool | None = None) -> QuerySet[RowProblem]:
    rows = RowProblem.objects.filter(batch=batch)
    if blocking is not None:
        rows = rows.filter(blocking=blocking)
    return rows.order_by("row", "id")


def moved_intact(batch_id: int) -> bool:
    """Whether the batch's moved-in notes are still those its migration event vouches for."""
    event = (
        AuditEvent.objects.filter(
            event_type=EventType.RECORD_MIGRATED,
            subject_type=BATCH_SUBJECT,
            subject_id=str(batch_id),
        )
        .values_list("new", flat=True)
        .first()
    )
    if event is None:
        return False
    notes = MovedRecord.objects.filter(batch_id=batch_id).values_list("object_id", "key", "row")
    ids, keys, rows = (list(c) for c in zip(*notes, strict=True)) if notes else ([], [], [])
    digest = moved_digest(ids, keys, rows)
    return event.get("count") == len(ids) and event.get("sha256") == digest
