"""Checking the audit chain: every event's hash, every link, and the chain head.

`verify_chain` walks the log in seq order with a streaming cursor, holding only the previous
event's seq and hash, so a log of millions of events is checked in constant memory. It stops
at the first broken or missing link and names it: an auditor needs the place where the
record stops being trustworthy, and everything after it is suspect anyway.

With the deployment's audit key (`keys.py`) it also checks the chain head's MAC — a head
rewound over a deleted tail, or pointed at a rehashed chain, is not sealed by the key — and
every signed checkpoint exported to ``AUDIT_CHECKPOINT_DIR`` (`anchor.py`): the event at a
checkpoint's seq must still carry the checkpoint's hash, and the log must reach it.

It takes no lock. The chain head is read first and only events up to it are walked; writers
that append meanwhile commit their events and the new head together, so they never look like
tampering (see `_events_beyond_head`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Max
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .chain import GENESIS, hash_of_row
from .checkpoints import Checkpoint, checkpoint_dir, read_checkpoints
from .keys import audit_key
from .models import AuditEvent, ChainHead

# Stable problem codes (house rule 7): never change one once published.
HASH_MISMATCH = "audit.hash_mismatch"
BROKEN_LINK = "audit.broken_link"
MISSING_EVENT = "audit.missing_event"
OUT_OF_SEQUENCE = "audit.out_of_sequence"
TAIL_MISSING = "audit.tail_missing"
LOG_EMPTY = "audit.log_empty"
HEAD_MISMATCH = "audit.head_mismatch"
BEYOND_HEAD = "audit.beyond_head"
HEAD_MISSING = "audit.head_missing"
HEAD_UNSEALED = "audit.head_unsealed"
CHECKPOINT_MISMATCH = "audit.checkpoint_mismatch"
CHECKPOINT_AHEAD = "audit.checkpoint_ahead"
CHECKPOINT_INVALID = "audit.checkpoint_invalid"

MESSAGES: dict[str, Promise] = {
    "": _("audit chain intact: %(count)s events"),
    HASH_MISMATCH: _("event #%(seq)s was altered: its stored hash does not match its contents"),
    BROKEN_LINK: _(
        "event #%(seq)s does not follow event #%(prev)s: its previous hash does not match "
        "(an event was removed, replaced or reordered)"
    ),
    MISSING_EVENT: _("event #%(seq)s is missing (the next stored event is #%(next)s)"),
    OUT_OF_SEQUENCE: _("event #%(seq)s is out of sequence: expected #%(expected)s"),
    TAIL_MISSING: _(
        "event #%(seq)s and any after it are missing: the chain head is at #%(head)s "
        "but the log ends at #%(last)s"
    ),
    LOG_EMPTY: _(
        "the audit log is empty but the chain head is at #%(head)s: events #%(seq)s to "
        "#%(head)s were removed"
    ),
    HEAD_MISMATCH: _(
        "event #%(seq)s does not match the chain head's hash: the last event was replaced"
    ),
    BEYOND_HEAD: _(
        "event #%(seq)s lies beyond the chain head (#%(head)s): it was not written by the "
        "audit service"
    ),
    HEAD_MISSING: _("the chain head is missing but the log holds events from #%(seq)s"),
    HEAD_UNSEALED: _(
        "the chain head (#%(seq)s) is not sealed by the audit key: it was rewound or pointed "
        "at another chain outside the audit service (events after it removed, or rewritten "
        "and rehashed)"
    ),
    CHECKPOINT_MISMATCH: _(
        "event #%(anchor)s does not match the signed checkpoint of #%(anchor)s (%(at)s): "
        "events #%(seq)s to #%(anchor)s were rewritten and rehashed"
    ),
    CHECKPOINT_AHEAD: _(
        "the signed checkpoint of #%(anchor)s (%(at)s) lies beyond the log, which ends at "
        "#%(last)s: events #%(seq)s to #%(anchor)s and any after them were removed"
    ),
    CHECKPOINT_INVALID: _(
        "the checkpoint file %(file)s is not signed by this deployment's audit key "
        "(damaged, or planted)"
    ),
}
NOT_KEYED = _(
    "no audit key is configured: the chain is not keyed, and someone who can write to the "
    "database could rewrite it undetected (see docs/operations.md)"
)
ANCHORED = _(
    "the chain head is sealed by the audit key; %(count)s signed checkpoints match "
    "(the latest at #%(latest)s)"
)


def bilingual(message: Promise | str, **params: Any) -> str:
    """``message`` in Chinese and English, "中文 / English"; once when they are the same."""
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.append(str(message) % params if params else str(message))
    return texts[0] if texts[0] == texts[1] else f"{texts[0]} / {texts[1]}"


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of one check of the chain.

    ``checked`` counts the events found intact before the first problem (all of them when
    ``ok``); ``first_bad_seq`` is the seq of the first altered or missing event, ``problem``
    its stable code and ``message`` says what is wrong in Chinese and English."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    message: str = ""
    keyed: bool = False  # the head's MAC was checked with the audit key
    checkpoints: int = 0  # signed checkpoints found and matched
    latest_checkpoint: int = 0  # the seq of the latest of them

    def __bool__(self) -> bool:
        return self.ok


def _broken(code: str, checked: int, seq: int, **params: Any) -> VerifyResult:
    return VerifyResult(
        ok=False,
        checked=checked,
        first_bad_seq=seq,
        problem=code,
        message=bilingual(MESSAGES[code], seq=seq, **params),
    )


def verify_chain(*, batch: int = 5000, since: Checkpoint | None = None) -> VerifyResult:
    """Check the whole audit chain and name its first broken or missing link.

    Detects an edited event (hash mismatch), a deleted or inserted event (gap in seq or a
    previous hash that is not the previous event's hash), reordered events, a deleted tail
    (chain head ahead of the last event), an emptied log and events forged past the head;
    with the audit key also a head not sealed by it and any disagreement with the signed
    checkpoints. ``since`` (a verified checkpoint) starts the walk there: the prefix it
    pins is not re-read — how ``yimen audit checkpoint`` checks only what is new."""
    key = audit_key()
    directory = checkpoint_dir()
    anchors: list[Checkpoint] = []
    if key is not None and directory is not None:
        anchors, invalid = read_checkpoints(directory, key)
        if invalid:
            return _invalid_file(invalid[0])
    pinned = {a.seq: a for a in anchors}

    head = ChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS

    checked = 0
    expected, prev_hash = 1, GENESIS
    last_anchor = 0  # the seq of the last checkpoint passed in the walk
    events = AuditEvent.objects.filter(seq__lte=head_seq).order_by("seq")
    first_link: str | None = GENESIS
    if since is not None:
        events = events.filter(seq__gte=since.seq)
        checked = since.seq - 1
        expected, first_link, last_anchor = since.seq, None, since.seq - 1
    for event in events.iterator(chunk_size=batch):
        if event.seq > expected:
            return _broken(MISSING_EVENT, checked, expected, next=event.seq)
        if event.seq < expected:
            return _broken(OUT_OF_SEQUENCE, checked, event.seq, expected=expected)
        if hash_of_row(event) != event.hash:
            return _broken(HASH_MISMATCH, checked, event.seq)
        if first_link is None:  # the walk starts at a checkpoint, which pins this link
            prev_hash = event.prev_hash
            first_link = prev_hash
        if event.prev_hash != prev_hash:
            return _broken(BROKEN_LINK, checked, event.seq, prev=event.seq - 1)
        anchor = pinned.get(event.seq)
        if anchor is not None:
            if anchor.hash != event.hash:
                return _broken(
                    CHECKPOINT_MISMATCH,
                    last_anchor,
                    last_anchor + 1,
                    anchor=anchor.seq,
                    at=anchor.made_at,
                )
            last_anchor = anchor.seq
        checked += 1
        expected, prev_hash = event.seq + 1, event.hash

    last_seq = expected - 1
    beyond_log = [a for a in anchors if a.seq > last_seq]
    if beyond_log:
        anchor = beyond_log[-1]
        return _broken(
            CHECKPOINT_AHEAD, checked, last_seq + 1, anchor=anchor.seq, at=anchor.made_at,
            last=last_seq,
        )  # fmt: skip
    if last_seq < head_seq:
        if last_seq == 0:
            return _broken(LOG_EMPTY, checked, 1, head=head_seq)
        return _broken(TAIL_MISSING, checked, last_seq + 1, head=head_seq, last=last_seq)
    if prev_hash != head_hash:
        return _broken(HEAD_MISMATCH, checked, last_seq)
    if key is not None and head is not None and head.seq > 0:
        unsealed = head.mac != key.seal(head.seq, head.hash)
        if unsealed:
            return _broken(HEAD_UNSEALED, checked, head.seq)
    beyond = _events_beyond_head()
    if beyond is not None:
        first, current_head = beyond
        if head is None and current_head == 0:
            return _broken(HEAD_MISSING, checked, first)
        return _broken(BEYOND_HEAD, checked, first, head=current_head)
    return VerifyResult(
        ok=True,
        checked=checked,
        message=bilingual(MESSAGES[""], count=checked),
        keyed=key is not None,
        checkpoints=len(anchors),
        latest_checkpoint=anchors[-1].seq if anchors else 0,
    )


def _invalid_file(path: Path) -> VerifyResult:
    return VerifyResult(
        ok=False,
        checked=0,
        problem=CHECKPOINT_INVALID,
        message=bilingual(MESSAGES[CHECKPOINT_INVALID], file=str(path)),
    )


def _events_beyond_head() -> tuple[int, int] | None:
    """The first event past the chain head and the head's seq, if such events exist.

    The highest seq is read before the head: a writer commits its events and the new head in
    one transaction, so any event already visible has its head visible too, and only rows
    inserted behind the service's back can lie beyond it."""
    highest = AuditEvent.objects.aggregate(top=Max("seq"))["top"]
    head = ChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    if highest is None or highest <= head_seq:
        return None
    first = (
        AuditEvent.objects.filter(seq__gt=head_seq)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    return (first if first is not None else highest), head_seq
