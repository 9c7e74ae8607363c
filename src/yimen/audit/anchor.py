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
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.errors import Invalid

from .checkpoints import FORMAT, Checkpoint, checkpoint_dir, read_checkpoints, signed_bytes
from .errors import ChainNotIntact, NoAuditKey, NoCheckpointDir
from .keys import audit_key
from .models import ChainHead
from .verify import HEAD_UNSEALED, verify_chain


def checkpoint_create(*, seal_head: bool = False) -> Checkpoint:
    """Verify the events since the last checkpoint and export a signed checkpoint of the head.

    Holds the head lock meanwhile, so the head cannot move between the check and the file.
    With ``seal_head`` a head written before the key existed (no MAC yet) is sealed first,
    after the whole chain is verified — for the first checkpoint after installing the key.
    Once a checkpoint exists the head has been sealed before, so an unsealed head then is
    tampering and is refused, as is a head with a wrong MAC."""
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
            {"checkpoint": body, "signature": key.sign(signed_bytes(body))},
            ensure_ascii=False,
            indent=1,
        )
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"checkpoint-{head.seq:015d}.json"
        partial = directory / f".{path.name}.{os.getpid()}.tmp"
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)  # whole or not at all; readers never see half a file
        return Checkpoint(head.seq, head.hash, made_at, path)
