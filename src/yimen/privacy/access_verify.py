"""Checking the access chain, as `audit.verify` checks the audit chain: every entry's hash
(its record set through the set's digest), every link, the head and the head's seal.

It walks the entries in seq order with a streaming cursor and stops at the first broken or
missing link, naming it in Chinese and English; everything after it is suspect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from yimen.audit.verify import bilingual

from . import recordsets
from .access_chain import GENESIS, hash_of_entry, head_is_sealed
from .models import AccessEntry, AccessHead

ALTERED = "privacy.access_altered"
SET_ALTERED = "privacy.access_set_altered"
BROKEN_LINK = "privacy.access_broken_link"
MISSING = "privacy.access_missing"
TAIL_MISSING = "privacy.access_tail_missing"
HEAD_MISMATCH = "privacy.access_head_mismatch"
BEYOND_HEAD = "privacy.access_beyond_head"
UNSEALED = "privacy.access_head_unsealed"

MESSAGES = {
    "": _("access log intact: %(count)s entries"),
    ALTERED: _("access entry #%(seq)s was altered: its stored hash does not match its contents"),
    SET_ALTERED: _("the record set of access entry #%(seq)s was altered"),
    BROKEN_LINK: _(
        "access entry #%(seq)s does not follow the entry before it (removed, replaced or reordered)"
    ),
    MISSING: _("access entry #%(seq)s is missing"),
    TAIL_MISSING: _("access entries from #%(seq)s on are missing: the head is at #%(head)s"),
    HEAD_MISMATCH: _("access entry #%(seq)s does not match the head's hash: it was replaced"),
    BEYOND_HEAD: _("access entry #%(seq)s lies beyond the head: it was not written by the log"),
    UNSEALED: _(
        "the access log's head (#%(seq)s) is not sealed by the audit key: it was moved outside "
        "the log"
    ),
}


@dataclass(frozen=True)
class AccessVerifyResult:
    """``checked`` counts the entries found intact before the first problem."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    message: str = ""
    keyed: bool = False

    def __bool__(self) -> bool:
        return self.ok


def _broken(code: str, checked: int, seq: int, **params: Any) -> AccessVerifyResult:
    return AccessVerifyResult(
        ok=False,
        checked=checked,
        first_bad_seq=seq,
        problem=code,
        message=bilingual(MESSAGES[code], seq=seq, **params),
    )


def verify_access_log(*, batch: int = 5000) -> AccessVerifyResult:
    """Check the whole access log and name its first broken or missing entry."""
    # the highest seq is read before the head: an entry committed by then came with its
    # head, so only entries up to this seq and past the head are forged (not concurrent)
    top = AccessEntry.objects.aggregate(top=Max("seq"))["top"] or 0
    head = AccessHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    expected, prev_hash, checked = 1, GENESIS, 0
    for entry in AccessEntry.objects.filter(seq__lte=head_seq).order_by("seq").iterator(batch):
        if entry.seq != expected:
            return _broken(MISSING, checked, expected)
        if recordsets.digest(bytes(entry.record_set)) != entry.record_digest:
            return _broken(SET_ALTERED, checked, entry.seq)
        if hash_of_entry(entry) != entry.hash:
            return _broken(ALTERED, checked, entry.seq)
        if entry.prev_hash != prev_hash:
            return _broken(BROKEN_LINK, checked, entry.seq)
        checked += 1
        expected, prev_hash = entry.seq + 1, entry.hash
    if expected - 1 < head_seq:
        return _broken(TAIL_MISSING, checked, expected, head=head_seq)
    if prev_hash != head_hash:
        return _broken(HEAD_MISMATCH, checked, expected - 1)
    sealed = head_is_sealed(head_seq, head_hash, head.mac) if head and head_seq else None
    if sealed is False:
        return _broken(UNSEALED, checked, head_seq)
    beyond = AccessEntry.objects.filter(seq__gt=head_seq, seq__lte=top).order_by("seq").first()
    if beyond is not None:
        return _broken(BEYOND_HEAD, checked, beyond.seq)
    return AccessVerifyResult(
        ok=True,
        checked=checked,
        message=bilingual(MESSAGES[""], count=checked),
        keyed=sealed is not None,
    )
