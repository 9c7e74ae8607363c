"""Gateway authentication in front of the envelope, pluggable per deployment.

Authentication is not national: each province puts its own gateway in front
(medins-protocol.md §2). Configure one or more schemes in ``settings.YIMEN_FSI_AUTH`` or the
environment variable ``YIMEN_FSI_AUTH`` (JSON list); a request passes when one scheme accepts
it. Each credential names the institutions (fixmedins_code) it may speak for, or "*".

    [{"scheme": "tif", "paasid": "yimen", "token": "<secret>", "max_skew": 300,
      "institutions": ["H22010200001"]},
     {"scheme": "csb", "access_key": "<key>", "secret": "<secret>", "max_skew": 300,
      "institutions": ["H22010200002"]},
     {"scheme": "bearer", "token": "<secret>", "institutions": "*"}]

- ``tif``: headers x-tif-paasid, x-tif-timestamp (Unix seconds), x-tif-nonce and
  x-tif-signature = SHA-256 hex of (timestamp + token + nonce + timestamp), either case;
  a timestamp further than ``max_skew`` seconds from now is refused.
- ``csb``: the gateway signature hospital SDKs send (Powersi-style gateways: Jiangsu,
  Hunan, Jiangxi): headers _api_name, _api_version, _api_timestamp (milliseconds),
  _api_access_key and _api_signature = Base64(HMAC-SHA1(secret, "k=v&…" of the other four,
  sorted by name)); the access key picks the entry, a timestamp further than ``max_skew``
  seconds from now is refused. The header names carry underscores: the server and the proxy
  in front must pass them (granian does; nginx needs ``underscores_in_headers on``; Django's
  development server and gunicorn by default drop them — docs/operations.md).
- ``bearer``: Authorization: Bearer <token>.
Nothing configured means every request is refused (fails closed).

``make demo`` sets YIMEN_FSI_DEMO_CREDENTIAL (honoured only with YIMEN_DEBUG): the published
``DEMO_CREDENTIALS`` then also pass, for the demo hospital only, so a newcomer's first call
signs in instead of answering 401; ``yimen load_demo`` prints them with the demo accounts.
"""

from __future__ import annotations

import base64
import functools
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


#: the demo hospital (settlement/demo.py INSTITUTIONS) and the credentials the demo publishes
#: for it: printed by ``yimen load_demo``, valid only where YIMEN_FSI_DEMO_CREDENTIAL is on
DEMO_HOSPITAL = "H22010200002"
DEMO_CREDENTIALS: list[dict[str, Any]] = [
    {"scheme": "bearer", "token": "yimen-demo-fsi-2026", "institutions": [DEMO_HOSPITAL]},
    {"scheme": "csb", "access_key": "yimen-demo", "secret": "yimen-demo-secret-2026",
     "max_skew": 300, "institutions": [DEMO_HOSPITAL]},
]  # fmt: skip


@functools.lru_cache(maxsize=4)
def _from_environment(raw: str) -> list[Any]:
    """YIMEN_FSI_AUTH as JSON, parsed once per value (it is read on every call)."""
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        value = []
    return value if isinstance(value, list) else []


def configured() -> list[dict[str, Any]]:
    value = getattr(settings, "YIMEN_FSI_AUTH", None)
    if value is None:
        value = _from_environment(os.environ.get("YIMEN_FSI_AUTH", ""))
    if not isinstance(value, list):
        value = []
    if getattr(settings, "YIMEN_FSI_DEMO_CREDENTIAL", False) and settings.DEBUG:
        value = [*value, *DEMO_CREDENTIALS]
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
    # as bytes: compare_digest refuses str with non-ASCII characters (a header decoded as
    # Latin-1 can carry them), which would otherwise surface as an error, not a 401
    return hmac.compare_digest(expected.encode(), signature.lower().encode())


def _bearer(entry: dict[str, Any], headers: Any) -> bool:
    value = headers.get("authorization", "")
    token = str(entry.get("token", ""))
    return (
        bool(token)
        and value.startswith("Bearer ")
        and hmac.compare_digest(value[7:].encode(), token.encode())
    )


#: the headers the csb signature covers, in the order it signs them (sorted by name)
CSB_SIGNED = ("_api_access_key", "_api_name", "_api_timestamp", "_api_version")


def _header(headers: Any, name: str) -> str:
    """A header by its wire name. Under WSGI ``_api_name`` arrives as HTTP__API_NAME, which
    Django's ``request.headers`` spells "-Api-Name"; a plain mapping keeps the wire name."""
    value = headers.get(name)
    if value is None:
        value = headers.get(name.replace("_", "-"))
    return str(value or "")


def csb_signature(secret: str, fields: dict[str, str]) -> str:
    """Base64(HMAC-SHA1(secret, "_api_access_key=…&_api_name=…&_api_timestamp=…&_api_version=…"))
    — the string the SDKs sign: the four headers sorted by name, values as sent."""
    text = "&".join(f"{name}={fields[name]}" for name in CSB_SIGNED)
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _csb(entry: dict[str, Any], headers: Any) -> bool:
    fields = {name: _header(headers, name) for name in CSB_SIGNED}
    signature = _header(headers, "_api_signature")
    secret, key = str(entry.get("secret", "")), str(entry.get("access_key", ""))
    if not (secret and key and signature and all(fields.values())):
        return False
    if not hmac.compare_digest(fields["_api_access_key"].encode(), key.encode()):
        return False
    try:
        skew = abs(time.time() - int(fields["_api_timestamp"]) / 1000)
    except ValueError:
        return False
    if skew > int(entry.get("max_skew", 300)):
        return False
    expected = csb_signature(secret, fields)
    return hmac.compare_digest(expected.encode(), signature.encode())


SCHEMES = {"tif": _tif, "csb": _csb, "bearer": _bearer}


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


def csb_headers(
    access_key: str, secret: str, *, name: str = "callService", version: str = "1.0.0",
    now_ms: int | None = None,
) -> dict[str, str]:  # fmt: skip
    """Headers a hospital SDK sends under the csb scheme (tests, bench and the docs use this)."""
    fields = {
        "_api_access_key": access_key,
        "_api_name": name,
        "_api_timestamp": str(int(time.time() * 1000) if now_ms is None else now_ms),
        "_api_version": version,
    }
    return {**fields, "_api_signature": csb_signature(secret, fields)}


@dataclass(frozen=True)
class CredentialStatus:
    """What an institution's operator may know of a credential: never its token."""

    scheme: str
    paasid: str  # tif: the platform id; csb: the access key (an identifier, not a secret)
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
        ident = {"tif": "paasid", "csb": "access_key"}.get(scheme, "")
        has_token = bool(str(entry.get("secret" if scheme == "csb" else "token", "")))
        found.append(
            CredentialStatus(
                scheme=scheme,
                paasid=str(entry.get(ident, "")) if ident else "",
                all_institutions=institutions is None,
                has_token=has_token,
                usable=scheme in SCHEMES and has_token and (not ident or bool(entry.get(ident))),
            )
        )
    return found
