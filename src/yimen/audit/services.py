"""Writing to the audit log. Called by services inside their own transaction, so an
action and its audit event commit together or not at all (house rule 5)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from yimen.bulk_rows import insert_rows

from .chain import GENESIS, BatchHasher, canonical, event_hash, to_json_value
from .events import EventType
from .keys import audit_key
from .models import AuditEvent, ChainHead

BULK_BATCH = 2000


def subject_of(obj: models.Model) -> tuple[str, str]:
    """The (type, id) pair that names a model instance in the log."""
    return obj._meta.label_lower, str(obj.pk)


@dataclass
class EventDraft:
    """An event not yet chained: what a service knows before the log assigns seq and hash."""

    event_type: EventType
    subject_type: str
    subject_id: str
    actor: Any = None  # a User or None for the system
    role: str = ""
    division_code: str = ""
    old: Any = None
    new: Any = None
    reason: str = ""
    signer: Any = None
    occurred_at: datetime | None = None
    extra: dict = field(default_factory=dict)


def _locked_head() -> ChainHead:
    """The chain head, locked until the caller's transaction ends: appends are serialised.

    (On SQLite `select_for_update` is a no-op; BEGIN IMMEDIATE serialises writers there.)"""
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The first append ever. A row we insert stays locked by us until commit; if another
        # writer inserted it first, get_or_create returns theirs, which we must lock.
        head, created = ChainHead.objects.get_or_create(pk=1)
        if not created:
            head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def _move_head(seq: int, chain_hash: str) -> None:
    """Point the (locked) head at the new last event, sealed with the audit key if any."""
    key = audit_key()
    mac = key.seal(seq, chain_hash) if key else ""
    ChainHead.objects.filter(pk=1).update(seq=seq, hash=chain_hash, mac=mac)


def _build(draft: EventDraft, seq: int, prev_hash: str, now: datetime) -> AuditEvent:
    actor = draft.actor if getattr(draft.actor, "pk", None) else None
    signer = draft.signer if getattr(draft.signer, "pk", None) else None
    fields = {
        "seq": seq,
        "occurred_at": _aware(draft.occurred_at) or now,
        "actor_id": actor.pk if actor else None,
        "actor_name": _display_name(actor),
        "role": str(draft.role or ""),
        "division_code": draft.division_code or "",
        "event_type": str(draft.event_type),
        "subject_type": draft.subject_type,
        "subject_id": str(draft.subject_id),
        "old": to_json_value(draft.old),
        "new": to_json_value(draft.new),
        "reason": draft.reason or "",
        "signer_id": signer.pk if signer else None,
        "signer_name": _display_name(signer),
        "prev_hash": prev_hash,
    }
    return AuditEvent(hash=event_hash(**fields), **fields)


def _aware(moment: datetime | None) -> datetime | None:
    # A naive time would be hashed in the server's zone but stored in Asia/Shanghai, and the
    # event would then fail verification; read it as Shanghai time, as Django stores it.
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")()
    return full or user.get_username()


@transaction.atomic
def record_events(drafts: Sequence[EventDraft]) -> list[AuditEvent]:
    """Append events in order under one lock of the chain head; set-based for batches.

    One call for a whole batch decision: the head is locked once, the hashes computed in
    memory and the rows inserted with bulk_create."""
    if not drafts:
        return []
    head = _locked_head()
    now = timezone.now()
    seq, prev = head.seq, head.hash or GENESIS
    events: list[AuditEvent] = []
    for draft in drafts:
        seq += 1
        event = _build(draft, seq, prev, now)
        prev = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=BULK_BATCH)
    _move_head(seq, prev)
    return events


@transaction.atomic
def append_events(drafts: Sequence[EventDraft]) -> int:
    """Append events like ``record_events`` for batches of thousands: no model instances.

    The same fields and hashes (``_build`` and ``hash_of_row`` agree), computed with the
    actor's display name and each distinct ``old``/``new`` object normalised once (a batch
    shares them between its cases), inserted with COPY/executemany; returns the count."""
    if not drafts:
        return 0
    head = _locked_head()
    now = timezone.now()
    seq, prev = head.seq, head.hash or GENESIS
    names: dict[int | None, str] = {}
    # id(object) -> (its canonical text for the hash, its JSON text for the column)
    values: dict[int, tuple[str, str | None]] = {}
    hasher = BatchHasher()
    keep: list[Any] = []  # the objects whose id() is a key above stay alive until the end

    def person(user: Any) -> tuple[int | None, str]:
        pk = getattr(user, "pk", None)
        if pk is None:
            return None, ""
        if pk not in names:
            names[pk] = _display_name(user)
        return pk, names[pk]

    def normalised(value: Any) -> tuple[str, str | None]:
        if value is None:
            return "null", None
        found = values.get(id(value))
        if found is None:
            plain = to_json_value(value)
            found = values[id(value)] = (canonical(plain), json.dumps(plain, ensure_ascii=False))
            keep.append(value)
        return found

    rows = []
    for draft in drafts:
        seq += 1
        actor_id, actor_name = person(draft.actor)
        signer_id, signer_name = person(draft.signer)
        old, old_text = normalised(draft.old)
        new, new_text = normalised(draft.new)
        occurred = _aware(draft.occurred_at) or now
        fields = (
            seq,
            occurred,
            actor_id,
            actor_name,
            str(draft.role or ""),
            draft.division_code or "",
            str(draft.event_type),
            draft.subject_type,
            str(draft.subject_id),
            old_text,
            new_text,
            draft.reason or "",
            signer_id,
            signer_name,
            prev,
        )
        prev = hasher.hash(
            seq=seq,
            occurred_at=occurred,
            actor_id=actor_id,
            actor_name=actor_name,
            role=fields[4],
            division_code=fields[5],
            event_type=fields[6],
            subject_type=fields[7],
            subject_id=fields[8],
            old_canonical=old,
            new_canonical=new,
            reason=fields[11],
            signer_id=signer_id,
            signer_name=signer_name,
            prev_hash=fields[14],
        )
        rows.append((*fields, prev))
    insert_rows(AuditEvent, EVENT_COLUMNS, rows)
    _move_head(seq, prev)
    return len(rows)


EVENT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "role",
    "division_code",
    "event_type",
    "subject_type",
    "subject_id",
    "old",
    "new",
    "reason",
    "signer_id",
    "signer_name",
    "prev_hash",
    "hash",
)


def record_event(
    *,
    event_type: EventType,
    subject: models.Model | tuple[str, str],
    actor: Any = None,
    role: str = "",
    division_code: str = "",
    old: Any = None,
    new: Any = None,
    reason: str = "",
    signer: Any = None,
) -> AuditEvent:
    """Append one event about ``subject`` (a model instance or a (type, id) pair)."""
    subject_type, subject_id = subject if isinstance(subject, tuple) else subject_of(subject)
    draft = EventDraft(
        event_type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        actor=actor,
        role=role,
        division_code=division_code,
        old=old,
        new=new,
        reason=reason,
        signer=signer,
    )
    return record_events([draft])[0]
