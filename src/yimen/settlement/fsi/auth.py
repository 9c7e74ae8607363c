"""Gateway authentication in front of the envelope, pluggable per deployment.

Authentication is not national: each province puts its own gateway in front
(medins-protocol.md §2). Configure one or more schemes in ``settings.YIMEN_FSI_AUTH`` or the
environment variable ``YIMEN_FSI_AUTH`` (JSON list); a request passes when one scheme accepts
it. Each credential names the institutions (fixmedins_code) it may speak for, or "*".

    [{"scheme": "tif", "paasid": "yimen", "token": "<secret>", "max_skew": 300,
      "institutions": ["H22010200001"]},
     {"scheme": "bearer", "token": "<secret>", "institutions": "*"}]

- ``tif``: headers x-tif-paasid, x-tif-timestamp (Unix seconds), x-tif-nonce and
  x-tif-signature = SHA-256 hex of (timestamp + token + nonce + timestamp), either case;
  a timestamp further than ``max_skew`` seconds from now is refused.
- ``bearer``: Authorization: Bearer <token>.
Nothing configured means every request is refused (fails closed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ..errors import AuthFailed


@dataclass(frozen=True)
class Credential:
    name: str
    institutions: frozenset[str] | None  # None = any

    def allows(self, code: str) -> bool:
        return self.institutions is None or code in self.institutions


def configured() -> list[dict[str, Any]]:
    value = getattr(settings, "YIMEN_FSI_AUTH", None)
    if value is None:
        raw = os.environ.get("YIMEN_FSI_AUTH", "")
        try:
            value = json.loads(raw) if raw else []
        except ValueError:
            value = []
    return [v for v in value if isinstance(v, dict)]


def _institutions(entry: dict[str, Any]) -> frozenset[str] | None:
    allowed = entry.get("institutions", "*")
    return None if allowed == "*" else frozenset(str(x) for x in allowed)


def _tif(entry: dict[str, Any], headers: Any) -> bool:
    paasid, stamp = headers.get("x-tif-paasid", ""), headers.get("x-tif-timestamp", "")
    nonce, signature = headers.get("x-tif-nonce", ""), headers.get("x-tif-signature", "")
    if not (paasid and stamp and nonce and signature) or paasid != entry.get("paasid"):
        return False
    try:
        skew = abs(time.time() - int(stamp))
    except ValueError:
        return False
    if skew > int(entry.get("max_skew", 300)):
        return False
    expected = hashlib.sha256(f"{stamp}{entry.get('token', '')}{nonce}{stamp}".encode()).hexdigest()
    return hmac.compare_digest(expected, signature.lower())


def _bearer(entry: dict[str, Any], headers: Any) -> bool:
    value = headers.get("authorization", "")
    token = str(entry.get("token", ""))
    return bool(token) and value.startswith("Bearer ") and hmac.compare_digest(value[7:], token)


SCHEMES = {"tif": _tif, "bearer": _bearer}


def authenticate(headers: Any) -> Credential:
    """The first configured scheme that accepts the headers, or AuthFailed (Chinese text)."""
    entries = configured()
    if not entries:
        raise AuthFailed("接口鉴权未配置，拒绝访问")
    for i, entry in enumerate(entries):
        check = SCHEMES.get(str(entry.get("scheme")))
        if check is not None and check(entry, headers):
            return Credential(f"{entry['scheme']}#{i}", _institutions(entry))
    raise AuthFailed("接口鉴权失败")


def tif_headers(paasid: str, token: str, nonce: str, now: int | None = None) -> dict[str, str]:
    """Headers a client sends under the tif scheme (tests, bench and the docs use this)."""
    stamp = str(int(time.time()) if now is None else now)
    sig = hashlib.sha256(f"{stamp}{token}{nonce}{stamp}".encode()).hexdigest()
    return {
        "x-tif-paasid": paasid,
        "x-tif-timestamp": stamp,
        "x-tif-nonce": nonce,
        "x-tif-signature": sig,
    }


@dataclass(frozen=True)
class CredentialStatus:
    """What an institution's operator may know of a credential: never its token."""

    scheme: str
    paasid: str
    all_institutions: bool
    has_token: bool
    usable: bool  # a known scheme with a token: requests signed with it can pass


def credentials_for(code: str) -> list[CredentialStatus]:
    """The configured credentials that may speak for institution ``code``."""
    found = []
    for entry in configured():
        institutions = _institutions(entry)
        if institutions is not None and code not in institutions:
            continue
        scheme = str(entry.get("scheme", ""))
        has_token = bool(str(entry.get("token", "")))
        found.append(
            CredentialStatus(
                scheme=scheme,
                paasid=str(entry.get("paasid", "")) if scheme == "tif" else "",
                all_institutions=institutions is None,
                has_token=has_token,
                usable=scheme in SCHEMES and has_token and (scheme != "tif" or "paasid" in entry),
            )
        )
    return found
