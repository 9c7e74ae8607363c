"""A set of record ids packed small, so an export of 200,000 rows is one access entry.

Sorted ids are written as gaps (mostly 1 for a roster drawn in id order) in LEB128 varints
and compressed with zlib: 200,000 consecutive ids take a few hundred bytes, scattered ones
about two bytes each. The SHA-256 of the packed bytes is what the entry's hash covers, so a
changed set breaks the chain like a changed field."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable

FORMAT = b"\x01"  # a leading version byte: the packing may change, old entries still read


def pack(ids: Iterable[int]) -> bytes:
    """The ids (duplicates dropped) as sorted gaps, varint-encoded and compressed."""
    out = bytearray()
    previous = 0
    for value in sorted(set(int(i) for i in ids)):
        if value < 0:
            raise ValueError("record ids are never negative")
        gap = value - previous
        previous = value
        while True:
            byte = gap & 0x7F
            gap >>= 7
            if gap:
                out.append(byte | 0x80)
            else:
                out.append(byte)
                break
    return FORMAT + zlib.compress(bytes(out), 6)


def unpack(packed: bytes) -> list[int]:
    """The sorted ids of a packed set (empty bytes: no ids)."""
    if not packed:
        return []
    packed = bytes(packed)
    if packed[:1] != FORMAT:
        raise ValueError("unknown record-set format")
    raw = zlib.decompress(packed[1:])
    ids: list[int] = []
    value = shift = gap = 0
    for byte in raw:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        value += gap
        ids.append(value)
        gap = shift = 0
    return ids


def contains(packed: bytes, record_id: int) -> bool:
    """True when ``record_id`` is in the packed set."""
    return int(record_id) in set(unpack(packed))


def digest(packed: bytes) -> str:
    """The SHA-256 of the packed bytes ("" for no set)."""
    return hashlib.sha256(bytes(packed)).hexdigest() if packed else ""
