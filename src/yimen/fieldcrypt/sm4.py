"""SM4-GCM (GB/T 32907-2016, through OpenSSL) and HMAC-SM3: the two primitives used here.

This OpenSSL provides SM4 in GCM mode, so a value is one authenticated message: a random
96-bit nonce, the ciphertext and the 128-bit tag; the associated data binds it to where it
may be stored. No CBC + MAC fallback is needed (``tests/fieldcrypt`` checks GCM works)."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

NONCE = 12
TAG = 16


class Tampered(ValueError):
    """A sealed value does not open under its key: altered, moved, or the wrong key."""


def seal_bytes(key: bytes, plain: bytes, aad: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag."""
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plain) + encryptor.finalize()
    return nonce + body + encryptor.tag


def open_bytes(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE + TAG:
        raise Tampered("sealed value too short / 密文长度不对")
    nonce, body, tag = sealed[:NONCE], sealed[NONCE:-TAG], sealed[-TAG:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise Tampered("sealed value does not open / 密文无法解密（被篡改或密钥不符）") from exc


def hmac_sm3(key: bytes) -> hmac.HMAC:
    """A keyed HMAC-SM3 to ``copy()`` per value (copying skips the key schedule)."""
    return hmac.HMAC(key, hashes.SM3())
