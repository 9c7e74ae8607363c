"""The deployment's audit key, held outside the database.

One Ed25519 key (32-byte seed, base64 — the format of the insurance nodes' keys) does two
jobs: it signs the checkpoints exported to ``AUDIT_CHECKPOINT_DIR`` (each file names the
public key it was signed with; `verify` checks them with this deployment's key), and an
HMAC key derived from it seals the chain head (``ChainHead.mac``) at every append. Someone
who can write to the database but cannot read this key can neither sign a checkpoint nor
seal a head they rewound or rehashed.

Where it comes from, first found wins: ``settings.AUDIT_KEY`` (env ``YIMEN_AUDIT_KEY``, the
base64 seed, e.g. from a secret store), else the file ``settings.AUDIT_KEY_FILE`` (env
``YIMEN_AUDIT_KEY_FILE``, default ``$YIMEN_DATA_DIR/audit.key``; ``yimen audit keygen``
writes it, readable by its owner only). Without either the log is chained but not keyed,
and ``yimen audit verify`` says so."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Domain separation: the HMAC key is derived from the seed for this one purpose.
_MAC_LABEL = b"yimen audit chain head v1"


@dataclass(frozen=True)
class AuditKey:
    """The signing key and the head-sealing HMAC key derived from it."""

    private: Ed25519PrivateKey
    mac_key: bytes

    @property
    def public_b64(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode()

    def verifies(self, signature_b64: str, data: bytes) -> bool:
        try:
            signature = base64.b64decode(signature_b64, validate=True)
            self.private.public_key().verify(signature, data)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    def seal(self, seq: int, chain_hash: str) -> str:
        """The head's MAC: binds its seq to its hash under the key."""
        message = f"{int(seq)}:{chain_hash}".encode()
        return hmac.new(self.mac_key, message, hashlib.sha256).hexdigest()


def public_key_of(b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(b64))


def _from_seed(seed_b64: str, where: str) -> AuditKey:
    try:
        seed = base64.b64decode(seed_b64.strip(), validate=True)
        private = Ed25519PrivateKey.from_private_bytes(seed)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{where} is not the base64 of a 32-byte Ed25519 seed / 审计密钥格式不正确"
        ) from exc
    mac_key = hmac.new(seed, _MAC_LABEL, hashlib.sha256).digest()
    return AuditKey(private=private, mac_key=mac_key)


@lru_cache(maxsize=8)
def _cached(seed_b64: str, path: str, mtime: float) -> AuditKey | None:
    if seed_b64:
        return _from_seed(seed_b64, "YIMEN_AUDIT_KEY")
    if path:
        return _from_seed(Path(path).read_text(), path)
    return None


def audit_key() -> AuditKey | None:
    """The configured key, or None when this deployment has none (read once per file
    version: a replaced key file is picked up without a restart)."""
    seed = getattr(settings, "AUDIT_KEY", "") or ""
    path = str(getattr(settings, "AUDIT_KEY_FILE", "") or "")
    mtime = 0.0
    if not seed and path:
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            path = ""
    return _cached(seed, path, mtime)


def new_seed() -> str:
    """A new key: the base64 of a random 32-byte Ed25519 seed."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return base64.b64encode(raw).decode()


def write_key_file(path: Path) -> str:
    """Create the key file (owner read/write only), never over an existing one; returns the
    public key in base64, to be kept with the checkpoints' auditors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_seed() + "\n")
    key = _from_seed(path.read_text(), str(path))
    return key.public_b64
