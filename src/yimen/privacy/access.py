"""Writing the access log: one call from a view each time personal data is shown in full,
exported or unmasked (issue 23, item 3).

Every call appends one entry, whatever the number of records: an export of 200,000
households is one row whose ids are packed (`recordsets.py`). Appends lock the chain head,
so entries are strictly ordered; the lock is held for one insert and one update. An
export or an unmasked display needs a purpose from the configured list (`purposes.py`);
without one the view refuses before anything is shown or written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from yimen.accounts.scoping import bindings_of

from . import recordsets
from .access_chain import GENESIS, entry_hash, head_seal
from .models import AccessEntry, AccessHead, AccessKind
from .purposes import check_purpose


def _locked_head() -> AccessHead:
    """The chain head, locked until the caller's transaction ends (see audit.services)."""
    head = AccessHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head, created = AccessHead.objects.get_or_create(pk=1)
        if not created:
            head = AccessHead.objects.select_for_update().get(pk=1)
    return head


def _role_at(actor: Any, division_code: str) -> str:
    """The role of the actor's narrowest binding that covers ``division_code``, else of its
    first binding (a citizen reading their own record, say): who they acted as."""
    bindings = bindings_of(actor)
    covering = [b for b in bindings if b.covers(division_code)]
    if covering:
        return str(max(covering, key=lambda b: len(b.prefix)).role)
    return str(bindings[0].role) if bindings else ""


def _name(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return actor.get_full_name() or actor.get_username()


@transaction.atomic
def access_record(
    *,
    actor: Any,
    kind: AccessKind | str,
    record_type: str,
    record_ids: Iterable[int | str],
    division_code: str,
    purpose: str = "",
    note: str = "",
) -> AccessEntry:
    """Append one entry: ``actor`` saw (``kind``) the records ``record_ids`` of
    ``record_type`` in ``division_code``, for ``purpose``.

    One id is kept as it is (searchable); several are packed into a record set. An export
    or an unmasked display without a purpose from the list is refused (UnknownPurpose)."""
    kind = AccessKind(kind)
    if kind in (AccessKind.EXPORT, AccessKind.UNMASK) or purpose:
        purpose = check_purpose(purpose)
    ids = list(record_ids)
    record_id, packed = "", b""
    if len(ids) == 1:
        record_id = str(ids[0])
    elif ids:
        packed = recordsets.pack(int(i) for i in ids)
    count = len(ids) if len(ids) <= 1 else len(set(int(i) for i in ids))
    head = _locked_head()
    seq = head.seq + 1
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": timezone.now(),
        "actor_id": actor_id,
        "actor_name": _name(actor),
        "role": _role_at(actor, division_code),
        "kind": str(kind),
        "record_type": record_type,
        "record_id": record_id,
        "record_count": count,
        "record_digest": recordsets.digest(packed),
        "division_code": division_code,
        "purpose": purpose,
        "note": (note or "")[:300],
        "prev_hash": head.hash or GENESIS,
    }
    entry = AccessEntry(hash=entry_hash(**fields), record_set=packed, **fields)
    entry.save()
    AccessHead.objects.filter(pk=1).update(seq=seq, hash=entry.hash, mac=head_seal(seq, entry.hash))
    return entry


def log_full_record(
    *, actor: Any, record_type: str, record_id: int | str, division_code: str, note: str = ""
) -> AccessEntry:
    """A person's or household's full record was shown on a page."""
    return access_record(
        actor=actor,
        kind=AccessKind.FULL_RECORD,
        record_type=record_type,
        record_ids=[record_id],
        division_code=division_code,
        note=note,
    )


def log_export(
    *,
    actor: Any,
    record_type: str,
    record_ids: Iterable[int],
    division_code: str,
    purpose: str,
    note: str = "",
) -> AccessEntry:
    """A file with personal data left the system (one entry for the whole set)."""
    return access_record(
        actor=actor,
        kind=AccessKind.EXPORT,
        record_type=record_type,
        record_ids=record_ids,
        division_code=division_code,
        purpose=purpose,
        note=note,
    )


def log_unmask(
    *,
    actor: Any,
    record_type: str,
    record_id: int | str,
    division_code: str,
    purpose: str,
    note: str = "",
) -> AccessEntry:
    """A masked ID number (or several of one record) was shown in full."""
    return access_record(
        actor=actor,
        kind=AccessKind.UNMASK,
        record_type=record_type,
        record_ids=[record_id],
        division_code=division_code,
        purpose=purpose,
        note=note,
    )
