"""Checkpoint files of the audit chain: their format, where they are, reading and checking
their signatures. Shared by anchor.py (which writes them, after verifying the chain) and
verify.py (which checks the chain against them), so neither imports the other's inside."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .keys import AuditKey

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


def signed_bytes(body: dict[str, Any]) -> bytes:
    """The exact bytes a checkpoint's signature covers (canonical JSON)."""
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
                and key.verifies(signature, signed_bytes(body))
            )
        except (OSError, ValueError, KeyError, TypeError):
            valid = False
        if valid:
            good.append(Checkpoint(seq, chain_hash, str(body.get("made_at", "")), path))
        else:
            bad.append(path)
    good.sort(key=lambda c: c.seq)
    return good, bad
