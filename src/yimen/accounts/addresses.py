"""The network address of the client behind a configured number of trusted proxies.

Behind the reverse proxy the README prescribes, REMOTE_ADDR is the proxy's address for
every request; limits keyed on it would lock out every citizen at once. Each trusted proxy
appends the address it received the request from to X-Forwarded-For, so with N trusted
proxies the client is the N-th address from the right of [X-Forwarded-For…, REMOTE_ADDR].
Addresses further left were written by the client and prove nothing: an attacker who sends
a forged X-Forwarded-For only pads the left of the list, which is never read.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR with no trusted proxy (YIMEN_TRUSTED_PROXIES=0),
    else the right-most address no trusted proxy stands for."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = settings.YIMEN_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [part.strip() for part in forwarded.split(",") if part.strip()]
    if remote:
        chain.append(remote)
    if not chain:
        return None
    # fewer entries than proxies: the request skipped a proxy (came straight to the app
    # port); the left-most entry is then the nearest thing to the client we know
    candidate = chain[-(trusted + 1)] if len(chain) > trusted else chain[0]
    address = _valid(candidate)
    if address is None:
        # a trusted proxy wrote something that is not an address: a misconfiguration
        log.warning("X-Forwarded-For entry %r is not an address; using REMOTE_ADDR", candidate)
        return remote
    return address
