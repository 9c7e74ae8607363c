"""Fixtures for medins: this test process as one node, with the other node's keys at hand."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yimen.medins import protocol as p
from yimen.medins.node import new_key_pair


@dataclass
class Other:
    """The peer node as the test plays it: it signs what it sends with its private key."""

    node_id: str
    province: str
    private: str
    public: str

    def sign(self, data: bytes) -> bytes:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(self.private))
        return key.sign(data)

    def headers(self, body: bytes, *, to: str, message_id: str, stamp: int | None = None):
        stamp_s = str(int(time.time()) if stamp is None else stamp)
        sig = self.sign(
            p.request_signing_input(
                sender=self.node_id, recipient=to, timestamp=stamp_s, message_id=message_id,
                body=body,
            )
        )  # fmt: skip
        return {
            "HTTP_X_YIMEN_NODE": self.node_id,
            "HTTP_X_YIMEN_TO": to,
            "HTTP_X_YIMEN_TIMESTAMP": stamp_s,
            "HTTP_X_YIMEN_MESSAGE_ID": message_id,
            "HTTP_X_YIMEN_SIGNATURE": p.b64(sig),
        }


def make_node(node_id: str, province: str, other: Other, **extra) -> dict:
    private, public = new_key_pair()
    return {
        "node_id": node_id,
        "province": province,
        "private_key": private,
        "public_key_for_tests": public,
        "peers": {
            other.node_id: {
                "url": "http://127.0.0.1:9",
                "province": other.province,
                "public_key": other.public,
            }
        },
        **extra,
    }


@pytest.fixture
def hainan_peer():
    private, public = new_key_pair()
    return Other("hainan", "460000000000", private, public)


@pytest.fixture
def jilin_peer():
    private, public = new_key_pair()
    return Other("jilin", "220000000000", private, public)


@pytest.fixture
def as_jilin(settings, tree, hainan_peer):
    """This process is the Jilin (outgoing) node; Hainan is the peer."""
    settings.MEDINS_NODE = make_node("jilin", "220000000000", hainan_peer)
    return settings.MEDINS_NODE


@pytest.fixture
def as_hainan(settings, tree, jilin_peer):
    """This process is the Hainan (incoming) node; Jilin is the peer."""
    settings.MEDINS_NODE = make_node("hainan", "460000000000", jilin_peer)
    return settings.MEDINS_NODE


def send(client, other: Other, body: dict, *, to: str, message_id: str | None = None, **kw):
    """POST a message signed by ``other`` to this node's door."""
    message_id = message_id or uuid.uuid4().hex
    body = {**body, "message_id": message_id}
    raw = p.canonical(body)
    return client.post(
        p.PATH, data=raw, content_type="application/json",
        **other.headers(raw, to=to, message_id=message_id, **kw),
    )  # fmt: skip
