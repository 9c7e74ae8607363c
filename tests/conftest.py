"""Shared fixtures. The network is blocked for every test (house rule 11)."""

from __future__ import annotations

import socket

import pytest

from tests.factories import build_tree, register_generic_assist


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Refuse connections to anything but this machine (the database and live servers)."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
        ):
            raise RuntimeError(f"network access blocked in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def tree(db):
    """The small real division tree of tests/factories.py."""
    return build_tree()


@pytest.fixture(autouse=True, scope="session")
def _generic_assist_process():
    """Register the test-only copy of the assistance process (see factories)."""
    register_generic_assist()
