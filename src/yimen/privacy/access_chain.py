"""The hash of an access-log entry, and the seal of the access chain's head.

SHA-256 over the canonical JSON of the entry's fields and the previous entry's hash, as the
audit chain does (`audit.chain`); a record set is covered through its digest. The head is
sealed with the deployment's audit key (`audit.keys`), under a label of its own so the
audit head's seal can never be copied onto this chain's head."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from yimen.audit.keys import audit_key

GENESIS = "0" * 64
_SEAL_LABEL = "privacy-access:"


def entry_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_name: str,
    role: str,
    kind: str,
    record_type: str,
    record_id: str,
    record_count: int,
    record_digest: str,
    division_code: str,
    purpose: str,
    note: str,
    prev_hash: str,
) -> str:
    """Hash the fields that make an entry; a change of any of them changes the hash."""
    body = {
        "seq": seq,
        "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_name": actor_name,
        "role": role,
        "kind": kind,
        "records": [record_type, record_id, record_count, record_digest],
        "division": division_code,
        "purpose": purpose,
        "note": note,
        "prev": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of_entry(row: Any) -> str:
    """Recompute the hash of a stored entry."""
    return entry_hash(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        role=row.role,
        kind=row.kind,
        record_type=row.record_type,
        record_id=row.record_id,
        record_count=row.record_count,
        record_digest=row.record_digest,
        division_code=row.division_code,
        purpose=row.purpose,
        note=row.note,
        prev_hash=row.prev_hash,
    )


def head_seal(seq: int, chain_hash: str) -> str:
    """The head's MAC under the audit key ("" when the deployment has no key)."""
    key = audit_key()
    return key.seal(seq, _SEAL_LABEL + chain_hash) if key else ""


def head_is_sealed(seq: int, chain_hash: str, mac: str) -> bool | None:
    """Whether ``mac`` seals the head; None when there is no key to check it with."""
    key = audit_key()
    if key is None:
        return None
    return mac == key.seal(seq, _SEAL_LABEL + chain_hash)
