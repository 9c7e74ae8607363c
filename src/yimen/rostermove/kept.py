"""Keeping a dry run's writable records for its import (``models.CheckedRecords``).

The dry run has read and checked the whole sheet; what its import needs from that work is
the records without a blocking problem, in the columns it writes. They are stored as
Parquet (zstd) under the batch, with the sheet's SHA-256 and a SHA-256 over the batch, the
sheet's hash, the layout and the bytes; the import takes them only if all of that still
matches, and otherwise checks the sheet again in full — a missing or altered result costs
time, never a record written unchecked."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date

import polars as pl

from .models import CheckedRecords, ImportBatch


@dataclass(frozen=True)
class Kept:
    records: pl.DataFrame
    headers: dict[str, str]
    checked_on: date


def _digest(batch_id: int, file_sha256: str, layout: int, data: bytes) -> str:
    key = f"{batch_id}:{file_sha256}:{layout}:".encode()
    return hashlib.sha256(key + data).hexdigest()


def keep(
    batch: ImportBatch, records: pl.DataFrame, headers: dict[str, str], layout: int, today: date
) -> None:
    """Store ``records`` (the dry run's writable rows) for ``batch``'s import."""
    buffer = io.BytesIO()
    records.write_parquet(buffer, compression="zstd", statistics=False)
    data = buffer.getvalue()
    CheckedRecords.objects.create(
        batch=batch,
        file_sha256=batch.sha256,
        layout=layout,
        checked_on=today,
        headers=headers,
        digest=_digest(batch.pk, batch.sha256, layout, data),
        data=data,
    )


def kept(batch: ImportBatch, layout: int) -> Kept | None:
    """The records kept by ``batch``'s dry run, or None when there are none that may be
    used: another layout, another sheet, or bytes that are not what was stored."""
    if not layout:
        return None
    found = (
        CheckedRecords.objects.filter(batch_id=batch.pk, layout=layout, file_sha256=batch.sha256)
        .values_list("digest", "data", "headers", "checked_on")
        .first()
    )
    if found is None:
        return None
    digest, data, headers, checked_on = found
    data = bytes(data)
    if digest != _digest(batch.pk, batch.sha256, layout, data):
        return None
    return Kept(pl.read_parquet(io.BytesIO(data)), headers, checked_on)
