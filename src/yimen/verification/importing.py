"""Importing partner files: read, validate every row, keep all of it or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.fieldcrypt.columns import blind_indexes
from yimen.import_limits import (
    ImportTooLarge,
    bounded_rows,
    parquet_frame,
    read_bounded,
    xlsx_rows,
)
from yimen.regions.models import Division

from .errors import (
    FileTooLarge,
    MissingColumns,
    RowsInvalid,
    UnknownSource,
    UnsupportedFile,
    WrongEncoding,
)
from .fastcheck import fast_frame
from .models import ImportBatch
from .sources import SOURCES, Source, validate_rows


def _text(value: Any) -> str | None:
    """A cell as text the validators read (spreadsheets and Parquet carry typed values)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030, else refused."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WrongEncoding()


def _read(path: Path, data: bytes) -> tuple[list[str], Iterator[dict[str, str | None]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = bounded_rows(csv.reader(io.StringIO(_decode(data), newline="")), path.name)
        header = [h.strip() for h in next(reader, [])]
        return header, (dict(zip(header, r, strict=False)) for r in reader if any(r))
    if suffix == ".xlsx":
        try:
            rows = xlsx_rows(data, path.name)  # measured first, then streamed within the caps
            header = [(_text(h) or "").strip() for h in next(rows, ())]
        except ImportTooLarge:
            raise
        except Exception as error:
            raise UnsupportedFile(path.name) from error

        def named_rows():
            for r in rows:
                if any(v not in (None, "") for v in r):
                    yield {h: _text(v) for h, v in zip(header, r, strict=False)}

        return header, named_rows()
    if suffix == ".parquet":
        try:
            frame = parquet_frame(data, path.name)
        except ImportTooLarge:
            raise
        except Exception as error:
            raise UnsupportedFile(path.name) from error
        header = frame.columns
        return header, ({k: _text(v) for k, v in r.items()} for r in frame.iter_rows(named=True))
    raise UnsupportedFile(path.name)


def _known_divisions(codes: set[str]) -> set[str]:
    return set(Division.objects.filter(code__in=codes).values_list("code", flat=True))


def partner_file_validate(*, source: Source, path: Path, data: bytes) -> pl.DataFrame:
    """Read and check a whole file; the validated rows as a typed frame, or refused."""
    try:
        return _validate(source, path, data)
    except ImportTooLarge as refused:
        raise FileTooLarge(refused) from None


def _validate(source: Source, path: Path, data: bytes) -> pl.DataFrame:
    header, rows = _read(path, data)
    missing = [name for name in source.column_names if name not in header]
    if missing:
        raise MissingColumns(missing)
    today = timezone.localdate()
    names = source.column_names
    columns: dict[str, list[str | None]] = {name: [] for name in names}
    for row in rows:
        for name in names:
            columns[name].append(row.get(name))
    frame = fast_frame(source, columns, today=today, known_divisions=_known_divisions)
    if frame is not None:  # every row plainly valid: checked column-wise, all at once
        return frame
    # otherwise row by row, for the exact row-numbered reasons
    count = len(columns[names[0]]) if names else 0
    again = ({n: columns[n][i] for n in names} for i in range(count))
    values, errors = validate_rows(source, again, today=today, known_divisions=_known_divisions)
    if errors:
        raise RowsInvalid(errors, total=len(errors))
    return pl.DataFrame(values, schema=source.schema)


def partner_data_import(
    *, source: str, partner: str, as_of: date, path: Path, actor=None
) -> ImportBatch:
    """Import one partner file as one batch; refused files leave nothing behind.

    The same file (SHA-256) for the same source, partner and as-of date returns the batch
    already made and changes nothing."""
    adapter = SOURCES.get(source)
    if adapter is None:
        raise UnknownSource(source)
    path = Path(path)
    try:
        data = read_bounded(path)  # over the file cap: refused before it is read
    except ImportTooLarge as refused:
        raise FileTooLarge(refused) from None
    except OSError as error:
        raise UnsupportedFile(path.name) from error
    digest = hashlib.sha256(data).hexdigest()
    key = {"source": source, "partner": partner, "as_of": as_of, "sha256": digest}
    existing = ImportBatch.objects.filter(**key).first()
    if existing is not None:
        return existing
    frame = partner_file_validate(source=adapter, path=path, data=data)
    # the raw ID numbers are not kept: the Parquet holds their blind index, which is what
    # the members' ``id_number_bidx`` is matched against (yimen.fieldcrypt)
    frame = frame.with_columns(
        pl.Series("id_number", blind_indexes("id_number", frame["id_number"].to_list()), pl.String)
    )

    folder = Path(settings.DATA_DIR) / "verification" / source
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".incoming-{uuid.uuid4().hex}.parquet"
    final: Path | None = None
    try:
        frame.write_parquet(temporary)
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                **key,
                file_name=path.name[:300],
                row_count=frame.height,
                parquet_path="",
                imported_at=timezone.now(),
                imported_by=actor,
            )
            final = folder / f"{batch.pk}.parquet"
            batch.parquet_path = str(final.relative_to(settings.DATA_DIR))
            batch.save(update_fields=["parquet_path"])
            record_event(
                event_type=EventType.PARTNER_DATA_IMPORTED,
                subject=batch,
                actor=actor,
                new={
                    "source": source,
                    "partner": partner,
                    "as_of": as_of.isoformat(),
                    "rows": frame.height,
                },
            )
            os.replace(temporary, final)
    except IntegrityError:
        # Someone imported the same file at the same moment: theirs is the batch.
        _remove(temporary, final)
        return ImportBatch.objects.get(**key)
    except BaseException:
        _remove(temporary, final)
        raise
    return batch


def _remove(*paths: Path | None) -> None:
    for p in paths:
        if p is not None:
            p.unlink(missing_ok=True)
