"""The hash of an audit event: SHA-256 over its canonical JSON and the previous hash."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


def to_json_value(value: Any) -> Any:
    """Values as they will read back from a JSON column (Decimal, dates → strings).

    The hash is computed over this form, so it must equal what the database returns later:
    PostgreSQL's jsonb stores numbers as ``numeric`` and hands ``1e16`` back as the integer
    10000000000000000, and refuses NaN and infinities; both are normalised here so an event
    verifies on either database."""
    if value is None:
        return None
    return _normalise(json.loads(json.dumps(value, default=str, ensure_ascii=False)))


def _normalise(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = repr(value)
        if "e+" in text:  # only integers are written with a positive exponent
            return int(Decimal(text))
        return value
    if isinstance(value, list):
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise(item) for key, item in value.items()}
    return value


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_name: str,
    role: str,
    division_code: str,
    event_type: str,
    subject_type: str,
    subject_id: str,
    old: Any,
    new: Any,
    reason: str,
    signer_id: int | None,
    signer_name: str,
    prev_hash: str,
) -> str:
    """Hash the fields that make an event; any change of one of them changes the hash."""
    body = {
        "seq": seq,
        "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_name": actor_name,
        "role": role,
        "division": division_code,
        "type": event_type,
        "subject": [subject_type, subject_id],
        "old": old,
        "new": new,
        "reason": reason,
        "signer": signer_id,
        "signer_name": signer_name,
        "prev": prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical(value: Any) -> str:
    """A normalised value (``to_json_value``) as the hash writes it inside the body."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class BatchHasher:
    """``event_hash`` for thousands of events: the same bytes hashed, but the body written
    by hand from cached pieces (the canonical text of each distinct old/new object, of each
    text and time), instead of one sorted ``json.dumps`` of a fresh dict per event. The key
    order below is the sorted order ``event_hash`` produces; tests compare the two."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._times: dict[datetime, str] = {}

    def _text(self, value: str) -> str:
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = json.dumps(value, ensure_ascii=False)
        return found

    def _time(self, moment: datetime) -> str:
        found = self._times.get(moment)
        if found is None:
            at = moment.astimezone(UTC).isoformat(timespec="microseconds")
            found = self._times[moment] = json.dumps(at)
        return found

    def hash(
        self,
        *,
        seq: int,
        occurred_at: datetime,
        actor_id: int | None,
        actor_name: str,
        role: str,
        division_code: str,
        event_type: str,
        subject_type: str,
        subject_id: str,
        old_canonical: str,
        new_canonical: str,
        reason: str,
        signer_id: int | None,
        signer_name: str,
        prev_hash: str,
    ) -> str:
        """The hash of an event whose old/new values are given as ``canonical`` texts."""
        text = self._text
        body = (
            '{"actor":' + ("null" if actor_id is None else str(int(actor_id)))
            + ',"actor_name":' + text(actor_name)
            + ',"at":' + self._time(occurred_at)
            + ',"division":' + text(division_code)
            + ',"new":' + new_canonical
            + ',"old":' + old_canonical
            + ',"prev":' + text(prev_hash)
            + ',"reason":' + text(reason)
            + ',"role":' + text(role)
            + ',"seq":' + str(int(seq))
            + ',"signer":' + ("null" if signer_id is None else str(int(signer_id)))
            + ',"signer_name":' + text(signer_name)
            + ',"subject":[' + text(subject_type) + "," + json.dumps(subject_id, ensure_ascii=False)
            + '],"type":' + text(event_type)
            + "}"
        )  # fmt: skip
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


def hash_of_row(row: Any) -> str:
    """Recompute the hash of a stored event (model instance or object with the same fields)."""
    return event_hash(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        role=row.role,
        division_code=row.division_code,
        event_type=row.event_type,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        old=row.old,
        new=row.new,
        reason=row.reason,
        signer_id=row.signer_id,
        signer_name=row.signer_name,
        prev_hash=row.prev_hash,
    )
