"""One value: normalised, sealed under its table's data key, found by its blind index.

A stored value reads ``v1:<kid>:<base64(nonce ‖ ciphertext ‖ tag)>``: the key identifier
beside the value is what lets a rotation re-encrypt table by table while both keys open. The
associated data is ``<table>.<column>``, so a value copied into another column does not open.
Empty strings stay empty (a blank phone is not a secret; an empty ciphertext would be
longer than the value it hides) and ``None`` stays ``None``.

The blind index is HMAC-SM3, under the one index key, of ``<kind>|<normalised value>``,
truncated to 128 bits (32 hex characters): equal numbers give equal indexes in every table
and Parquet file, and nothing about the number can be read back from it."""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives import hmac

from yimen.fieldcrypt import keys, sm4

PREFIX = "v1"
INDEX_HEX = 32
_NOT_DIGIT = re.compile(r"\D+")
_SPACE = re.compile(r"\s+")

#: what a kind of value is compared by
KINDS = ("id_number", "phone", "account", "text")


class Unreadable(ValueError):
    """A stored value names no known key or does not open under it."""


def normalise(kind: str, value: str) -> str:
    """ID numbers: no spaces, upper case (the check character X); phones and bank
    accounts: their digits only; free text is not indexed."""
    if kind == "id_number":
        return _SPACE.sub("", value).upper()
    if kind in ("phone", "account"):
        return _NOT_DIGIT.sub("", value)
    if kind == "text":
        return value
    raise ValueError(f"unknown kind of encrypted value: {kind}")


def aad(table: str, column: str) -> bytes:
    return f"{table}.{column}".encode()


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX + ":")  # type: ignore[union-attr]


def seal(table: str, column: str, value: str | None) -> str | None:
    """The stored form of ``value`` in ``table.column`` (under the table's active key)."""
    if value is None or value == "":
        return value
    kid, key = keys.active_key(table)
    sealed = sm4.seal_bytes(key, value.encode(), aad(table, column))
    return f"{PREFIX}:{kid}:{base64.b64encode(sealed).decode()}"


def kid_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def open_(table: str, column: str, stored: str | None) -> str | None:
    """The value back. A value written before encryption (no ``v1:`` prefix) is returned
    as it is, so a half-migrated table still reads; the scan test shows none remains."""
    if not is_sealed(stored):
        return stored
    assert stored is not None
    try:
        _, kid, body = stored.split(":", 2)
        key = keys.key_by_kid(kid)
        return sm4.open_bytes(key, base64.b64decode(body), aad(table, column)).decode()
    except (ValueError, binascii.Error, sm4.Tampered) as exc:
        raise Unreadable(f"{table}.{column}: a value does not decrypt / 加密字段无法解密") from exc


def blind_index(kind: str, value: str | None) -> str:
    """The value's blind index; "" for an empty value (and for free text, never indexed)."""
    if not value or kind == "text":
        return ""
    normal = normalise(kind, value)
    if not normal:
        return ""
    mac = _index_mac().copy()
    mac.update(f"{kind}|{normal}".encode())
    return mac.finalize()[: INDEX_HEX // 2].hex()


_macs: dict[bytes, hmac.HMAC] = {}


def _index_mac() -> hmac.HMAC:
    key = keys.index_key()
    cached = _macs.get(key)
    if cached is None:
        cached = _macs[key] = sm4.hmac_sm3(key)
    return cached
