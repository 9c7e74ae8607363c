"""Signed HTTP messages between nodes: what is signed, and how a receiver checks it.

Every request carries the sender, the recipient, a timestamp and the message id (the
idempotency key) in headers, and an Ed25519 signature over those and the SHA-256 of the
body. The recipient is signed so a message to one node cannot be replayed to another; the
timestamp bounds how long a captured message is worth anything, and the message id, kept
for ever in the inbox, makes a repeat inside the window a no-op. Answers are signed too, so
only the real peer can tell a sender that a message was delivered."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

PATH = "/api/medins/node/messages"
H_SENDER = "X-Yimen-Node"
H_RECIPIENT = "X-Yimen-To"
H_TIMESTAMP = "X-Yimen-Timestamp"
H_MESSAGE_ID = "X-Yimen-Message-Id"
H_SIGNATURE = "X-Yimen-Signature"


def canonical(body: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_signing_input(
    *, sender: str, recipient: str, timestamp: str, message_id: str, body: bytes
) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(
        ["YIMEN-MEDINS-1", "POST", PATH, sender, recipient, timestamp, message_id, digest]
    ).encode()


def response_signing_input(
    *, responder: str, recipient: str, message_id: str, status: int, body: bytes
) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(
        ["YIMEN-MEDINS-1", "RESPONSE", responder, recipient, message_id, str(status), digest]
    ).encode()


def seal_input(info: dict[str, Any]) -> bytes:
    """What the outgoing node's electronic seal on the 信息表 covers."""
    return b"YIMEN-MEDINS-1\nSEAL\n" + canonical(info)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
