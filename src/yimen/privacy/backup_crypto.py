"""Encrypting backups as a stream: AES-256-GCM in chunks, with the key kept apart.

A database dump or an archive of the data directory can be larger than memory, so it is
sealed chunk by chunk (1 MiB): each chunk is its own GCM message under a nonce made of a
random per-file prefix and the chunk's number, and its associated data binds the file's
header, the chunk number and whether it is the last one. Reordered, dropped, truncated or
altered chunks therefore fail to decrypt, and a file cut after a whole chunk is refused
because its last chunk never says "last". The header names the key by an 8-byte digest,
so a restore with the wrong key says so before reading anything.

The key is 32 random bytes, base64, in a file readable by its owner only (``yimen backup
keygen``) — never in the data directory or next to the backups it opens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"YIMENBK1"
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


class BackupKeyError(ValueError):
    """The key file is missing, malformed, or not the key this backup was made with."""


class BackupCorrupt(ValueError):
    """A backup file was altered, truncated or is not a Yimen backup."""


def read_key(path: Path) -> bytes:
    """The 32-byte key from its file (base64)."""
    try:
        key = base64.b64decode(Path(path).read_text().strip(), validate=True)
    except (OSError, binascii.Error, ValueError) as exc:
        raise BackupKeyError(f"cannot read the backup key from {path} / 无法读取备份密钥") from exc
    if len(key) != 32:
        raise BackupKeyError(f"{path} does not hold a 32-byte key / 备份密钥长度不对")
    return key


def write_new_key(path: Path) -> str:
    """Create a key file (owner read/write only), never over an existing one; returns the
    key's id (what backups made with it name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key_id(key)


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"yimen backup key id" + key).hexdigest()[:16]


def _aad(header: bytes, number: int, last: bool) -> bytes:
    return header + struct.pack(">Q?", number, last)


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


class EncryptingWriter:
    """A write-only binary file that encrypts into ``target`` (call ``close`` to finish)."""

    def __init__(self, target: BinaryIO, key: bytes):
        self._target = target
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._header = MAGIC + bytes.fromhex(key_id(key)) + self._prefix
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        target.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer.extend(data)
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(
            _nonce(self._prefix, self._number), plain, _aad(self._header, self._number, last)
        )
        self._target.write(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True
            self._target.flush()


def decrypt_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> int:
    """Decrypt a backup file into ``target``; returns the plaintext size."""
    header = source.read(len(MAGIC) + 8 + 8)
    if len(header) != len(MAGIC) + 16 or not header.startswith(MAGIC):
        raise BackupCorrupt("not a Yimen backup file / 不是一门的备份文件")
    if header[len(MAGIC) : len(MAGIC) + 8].hex() != key_id(key):
        raise BackupKeyError("this backup was made with another key / 此备份由另一密钥加密")
    prefix = header[len(MAGIC) + 8 :]
    aead = AESGCM(key)
    number = total = 0
    while True:
        length_bytes = source.read(_LENGTH.size)
        if len(length_bytes) != _LENGTH.size:
            raise BackupCorrupt("the backup file is truncated / 备份文件不完整")
        (length,) = _LENGTH.unpack(length_bytes)
        sealed = source.read(length)
        if len(sealed) != length:
            raise BackupCorrupt("the backup file is truncated / 备份文件不完整")
        last = _at_end(source)
        try:
            plain = aead.decrypt(_nonce(prefix, number), sealed, _aad(header, number, last))
        except InvalidTag:
            raise BackupCorrupt(
                f"chunk {number} of the backup was altered or reordered / 备份内容被改动"
            ) from None
        target.write(plain)
        total += len(plain)
        number += 1
        if last:
            return total


def _at_end(source: BinaryIO) -> bool:
    here = source.tell()
    source.seek(0, os.SEEK_END)
    end = source.tell()
    source.seek(here)
    return here == end
