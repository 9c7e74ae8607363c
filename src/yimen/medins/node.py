"""This deployment as one province's medical-insurance node: identity, keys, trusted peers.

Why configuration and not a model: the keys and the list of trusted peers are what an
operator sets up once per deployment, and a database restore must never change whom we
trust. The configuration is a JSON file named by ``YIMEN_MEDINS_NODE_CONFIG`` (or the
``MEDINS_NODE`` setting, a dict of the same shape, which tests use)::

    {"node_id": "jilin", "province": "220000000000", "name": "吉林省医保",
     "private_key": "<base64 of the 32-byte Ed25519 seed>",   # or "private_key_file": path
     "window_seconds": 300, "auto_process": true, "waiting_period_months": 6,
     "backoff_base": 2, "backoff_cap": 600, "retry_horizon_hours": 72,
     "timeout_seconds": 10, "send_concurrency": 4, "report_every_seconds": 3600,
     "peers": {"hainan": {"url": "http://10.0.0.2:8000", "province": "460000000000",
                          "public_key": "<base64 of the 32-byte Ed25519 public key>"}}}

``yimen medins_keygen`` prints a new key pair."""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Peer:
    node_id: str
    url: str
    province: str
    public_key: Ed25519PublicKey
    name: str = ""

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class NodeConfig:
    node_id: str
    province: str
    private_key: Ed25519PrivateKey
    name: str = ""
    peers: dict[str, Peer] = field(default_factory=dict)
    window_seconds: int = 300  # accepted clock difference; older or newer messages are refused
    auto_process: bool = True  # outgoing checks and incoming crediting run on receipt
    waiting_period_months: int = 6  # gap > 3 months: benefits wait (≤ 6, set locally)
    backoff_base: float = 2.0  # seconds before the first retry; doubles per attempt
    backoff_cap: float = 600.0  # longest wait between two attempts
    retry_horizon_hours: float = 72.0  # a message still undelivered after this is reported
    timeout_seconds: float = 10.0  # one HTTP attempt
    send_concurrency: int = 4  # HTTP posts in flight at once from the outbox worker
    report_every_seconds: float = 3600.0  # the reconciliation report sent to each peer

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    @property
    def public_key_b64(self) -> str:
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(raw).decode()

    def peer_for_province(self, province: str) -> Peer | None:
        for peer in self.peers.values():
            if peer.province[:2] == province[:2]:
                return peer
        return None


def new_key_pair() -> tuple[str, str]:
    """(private seed, public key), both base64 of 32 raw bytes."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(seed).decode(), base64.b64encode(public).decode()


def _raw(data: dict[str, Any]) -> dict[str, Any]:
    if "private_key_file" in data and "private_key" not in data:
        data = {**data, "private_key": Path(data["private_key_file"]).read_text().strip()}
    return data


def parse_config(data: dict[str, Any]) -> NodeConfig:
    data = _raw(data)
    try:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["private_key"]))
        peers = {
            node_id: Peer(
                node_id=node_id,
                url=peer["url"].rstrip("/"),
                province=peer["province"],
                name=peer.get("name", ""),
                public_key=Ed25519PublicKey.from_public_bytes(base64.b64decode(peer["public_key"])),
            )
            for node_id, peer in data.get("peers", {}).items()
        }
        extra = {
            k: data[k]
            for k in (
                "window_seconds",
                "auto_process",
                "waiting_period_months",
                "backoff_base",
                "backoff_cap",
                "retry_horizon_hours",
                "timeout_seconds",
                "send_concurrency",
                "report_every_seconds",
            )
            if k in data
        }
        return NodeConfig(
            node_id=data["node_id"],
            province=data["province"],
            name=data.get("name", ""),
            private_key=key,
            peers=peers,
            **extra,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"medical-insurance node configuration: {exc!r}") from exc


@lru_cache(maxsize=4)
def _from_file(path: str, mtime: float) -> NodeConfig:
    return parse_config(json.loads(Path(path).read_text(encoding="utf-8")))


def node_config() -> NodeConfig | None:
    """This node's configuration, or None when the deployment is not a node."""
    inline = getattr(settings, "MEDINS_NODE", None)
    if inline:
        return parse_config(inline)
    path = os.environ.get("YIMEN_MEDINS_NODE_CONFIG")
    if not path:
        return None
    try:
        mtime = Path(path).stat().st_mtime
    except OSError:
        # a named but missing file: the pages say "not a node" (503) rather than fail
        logger.error("YIMEN_MEDINS_NODE_CONFIG names %s, which cannot be read", path)
        return None
    return _from_file(path, mtime)


def require_node() -> NodeConfig:
    from .errors import NotANode

    config = node_config()
    if config is None:
        raise NotANode()
    return config
