"""Signed checkpoints of the audit chain, exported outside the database.

A checkpoint names the chain's head at one moment — its seq and hash — signed with the
deployment's audit key (`keys.py`) and written as a file to ``AUDIT_CHECKPOINT_DIR``, which
operations ship off the host (docs/operations.md). Because the hash of event N covers every
event before it, one checkpoint pins the whole prefix: `verify_chain` then notices a tail
deleted below a checkpoint and a prefix rewritten and rehashed, even by someone who can
write anything in the database, as long as they cannot also sign.

``yimen audit checkpoint`` makes one (from cron, every few minutes): it first verifies the
events since the last checkpoint under the head lock, so a checkpoint never blesses a
tampered chain."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid

from .errors import ChainNotIntact, NoAuditKey, NoCheckpointDir
from .keys import AuditKey, audit_key
from .models import ChainHead

FORMAT = "yimen-audit-checkpoint/1"
PATTERN = "checkpoint-*.json"
_HASH = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Checkpoint:
    """A verified checkpoint file: the head (seq, hash) it pins and when it was made."""

    seq: int
    hash: str
    made_at: str
    path: Path


def checkpoint_dir() -> Path | None:
    """The configured directory (None: this deployment exports no checkpoints)."""
    configured = getattr(settings, "AUDIT_CHECKPOINT_DIR", "") or ""
    return Path(configured) if str(configured) else None


def _signed_bytes(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def read_checkpoints(directory: Path, key: AuditKey) -> tuple[list[Checkpoint], list[Path]]:
    """The checkpoints in ``directory`` signed by ``key``, by seq; and the files that are
    not (unreadable, malformed, or signed by another key) — which verification reports."""
    good: list[Checkpoint] = []
    bad: list[Path] = []
    if not directory.is_dir():
        return good, bad
    for path in sorted(directory.glob(PATTERN)):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            body, signature = data["checkpoint"], data["signature"]
            seq, chain_hash = body["seq"], body["hash"]
            valid = (
                body.get("format") == FORMAT
                and isinstance(seq, int)
                and seq > 0
                and isinstance(chain_hash, str)
                and bool(_HASH.match(chain_hash))
                and key.verifies(signature, _signed_bytes(body))
            )
        except (OSError, ValueError, KeyError, TypeError):
            valid = False
        if valid:
            good.append(Checkpoint(seq, chain_hash, str(body.get("made_at", "")), path))
        else:
            bad.append(path)
    good.sort(key=lambda c: c.seq)
    return good, bad


def checkpoint_create(*, seal_head: bool = False) -> Checkpoint:
    """Verify the events since the last checkpoint and export a signed checkpoint of the head.

    Holds the head lock meanwhile, so the head cannot move between the check and the file.
    With ``seal_head`` a head written before the key existed (no MAC yet) is sealed first,
    after the whole chain is verified — for the first checkpoint after installing the key.
    Once a checkpoint exists the head has been sealed before, so an unsealed head then is
    tampering and is refused, as is a head with a wrong MAC."""
    from .verify import HEAD_UNSEALED, verify_chain

    key = audit_key()
    if key is None:
        raise NoAuditKey()
    directory = checkpoint_dir()
    if directory is None:
        raise NoCheckpointDir()
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None or head.seq == 0:
            raise Invalid(_("The audit log is empty: there is nothing to checkpoint."))
        known, _bad = read_checkpoints(directory, key)
        since = next((c for c in reversed(known) if c.seq <= head.seq), None)
        if seal_head and not head.mac and not known:
            head.mac = key.seal(head.seq, head.hash)
            ChainHead.objects.filter(pk=1).update(mac=head.mac)
            since = None  # the whole chain, not only what is new
        result = verify_chain(since=since)
        if not result.ok:
            if result.problem == HEAD_UNSEALED and not head.mac:
                raise ChainNotIntact(f"{result.message} (--seal-head)")
            raise ChainNotIntact(result.message)
        existing = [c for c in known if c.seq == head.seq]
        if existing:  # nothing appended since the last checkpoint
            return existing[0]
        made_at = timezone.now().isoformat(timespec="seconds")
        body: dict[str, Any] = {
            "format": FORMAT,
            "seq": head.seq,
            "hash": head.hash,
            "made_at": made_at,
            "public_key": key.public_b64,
        }
        text = json.dumps(
            {"checkpoint": body, "signature": key.sign(_signed_bytes(body))},
            ensure_ascii=False,
            indent=1,
        )
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"checkpoint-{head.seq:015d}.json"
        partial = directory / f".{path.name}.{os.getpid()}.tmp"
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)  # whole or not at all; readers never see half a file
        return Checkpoint(head.seq, head.hash, made_at, path)
