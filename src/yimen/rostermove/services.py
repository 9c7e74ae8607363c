"""Moving records in from the old system: the dry run and the import (use cases).

``batch_check`` reads the sheet, checks every row and stores the batch with its problems
(and, for the roster, its writable records: ``kept``); nothing of the kind's own data is
written. ``batch_import`` writes, in one transaction, every record without a blocking
problem — what the database may have changed since the dry run (records moved in, persons
enrolled meanwhile) is asked again at that moment, or the whole sheet checked again where
nothing was kept — and notes each under its key, so a second import of the same records
adds nothing and reports them as already moved in. Either the whole batch is written or
nothing is (a failure rolls everything back)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone

from yimen.accounts.scoping import acting_role
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.codes import InvalidCode, normalize_code

from . import kept, transitions
from .columns import parse_mapping
from .errors import MovedMeanwhile, NotAllowed, SchemeNeeded
from .kinds import Adapter, Checked, Context, adapters
from .models import ImportBatch, Kind, RowProblem
from .moving import BATCH_SUBJECT, insert_columns
from .sheet import read_sheet

SUBJECT = BATCH_SUBJECT

try:  # rows go to PostgreSQL through psycopg's COPY, whose errors Django does not wrap
    from psycopg import IntegrityError as CopyIntegrityError

    UNIQUE_VIOLATIONS: tuple[type[Exception], ...] = (IntegrityError, CopyIntegrityError)
except ImportError:  # pragma: no cover (SQLite-only installs)
    UNIQUE_VIOLATIONS = (IntegrityError,)


@dataclass(frozen=True)
class ImportOutcome:
    batch: ImportBatch
    imported: int
    skipped: int


def adapter_for(kind: str) -> Adapter:
    found = adapters().get(kind)
    if found is None:
        raise NotAllowed()
    return found


def _role(actor, adapter: Adapter, division_code: str) -> str:
    role = acting_role(actor, adapter.action, division_code) if actor is not None else None
    if role is None:
        raise NotAllowed()
    return role


def _area(kind: str, division_code: str, scheme_id: int | None) -> str:
    """The area a batch covers: the subsidy scheme's county for units, else as given."""
    if kind != Kind.SUBSIDY:
        try:
            return normalize_code(division_code)
        except InvalidCode:
            raise NotAllowed() from None
    from .kinds.subsidy import scheme_division

    if scheme_id is None:
        raise SchemeNeeded()
    return scheme_division(scheme_id)


def _check(batch_like: dict, adapter: Adapter, ctx: Context) -> Checked:
    sheet = read_sheet(
        batch_like["content"], batch_like["file_name"], adapter.fields, batch_like["mapping"]
    )
    checked = adapter.check(sheet, ctx)
    checked.rows = sheet.rows
    checked.headers = sheet.headers
    return checked


def _store_problems(batch_id: int, problems: pl.DataFrame, *, replace: bool = True) -> None:
    if replace:
        RowProblem.objects.filter(batch_id=batch_id).delete()
    n = problems.height
    if n == 0:
        return
    insert_columns(
        RowProblem,
        {
            "batch_id": [batch_id] * n,
            "row": problems["row"].to_list(),
            "column": problems["column"].str.slice(0, 100).to_list(),
            "code": problems["code"].to_list(),
            "value": problems["value"].fill_null("").str.slice(0, 200).to_list(),
            "detail": problems["detail"].fill_null("").str.slice(0, 200).to_list(),
            "blocking": problems["blocking"].to_list(),
        },
        timezone.now(),
    )


def _counts(checked: Checked) -> dict:
    blocking = int(checked.problems["blocking"].sum()) if checked.problems.height else 0
    return {
        "rows": checked.rows,
        "records": checked.records,
        "valid": checked.valid_records,
        "already_moved": checked.already_moved,
        "blocking": blocking,
        "notices": checked.problems.height - blocking,
    }


def batch_check(
    *,
    actor,
    kind: str,
    division_code: str,
    data: bytes,
    file_name: str,
    mapping: Mapping[str, str] | None = None,
    scheme_id: int | None = None,
    today: date | None = None,
) -> ImportBatch:
    """The dry run: check the sheet and store the batch with every problem by row."""
    adapter = adapter_for(kind)
    area = _area(kind, division_code, scheme_id)
    role = _role(actor, adapter, area)
    mapping = parse_mapping(mapping, adapter.fields)
    today = today or timezone.localdate()
    ctx = Context(
        batch_id=0, division_code=area, actor=actor, role=role, today=today, scheme_id=scheme_id
    )
    file_name = (file_name or "sheet")[-200:]
    checked = _check({"content": data, "file_name": file_name, "mapping": mapping}, adapter, ctx)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            kind=kind,
            division_id=area,
            file_name=file_name,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            mapping=mapping,
            scheme_id=scheme_id,
            created_by=actor,
            **_counts(checked),
        )
        _store_problems(batch.pk, checked.problems)
        if adapter.kept_layout and checked.valid is not None:
            kept.keep(batch, checked.valid, checked.headers, adapter.kept_layout, today)
        record_event(
            event_type=EventType.MIGRATION_CHECKED,
            subject=(SUBJECT, str(batch.pk)),
            actor=actor,
            role=role,
            division_code=area,
            new={"kind": kind, "file": file_name, "sha256": batch.sha256, **_counts(checked)},
        )
    return batch


def batch_import(*, actor, batch: ImportBatch, today: date | None = None) -> ImportOutcome:
    """Write every record of the batch without a blocking problem, all or nothing."""
    adapter = adapter_for(batch.kind)
    role = _role(actor, adapter, batch.division_id)
    today = today or timezone.localdate()
    ctx = Context(
        batch_id=batch.pk,
        division_code=batch.division_id,
        actor=actor,
        role=role,
        today=today,
        scheme_id=batch.scheme_id,
    )
    try:
        with transaction.atomic():
            transitions.mark_imported(batch, actor)
            found = kept.kept(batch, adapter.kept_layout)
            checked = adapter.recheck(found, ctx) if found is not None else None
            if checked is not None:  # the dry run's problems stand; add those found now
                counts = _rechecked_counts(batch, checked)
                _store_problems(batch.pk, checked.problems, replace=False)
            else:
                checked = _check(_sheet_of(batch), adapter, ctx)
                counts = _counts(checked)
                _store_problems(batch.pk, checked.problems)
            imported = adapter.write(checked, ctx)
            skipped = counts["records"] - imported
            ImportBatch.objects.filter(pk=batch.pk).update(
                imported=imported, skipped=skipped, **counts
            )
            record_event(
                event_type=EventType.MIGRATION_IMPORTED,
                subject=(SUBJECT, str(batch.pk)),
                actor=actor,
                role=role,
                division_code=batch.division_id,
                new={"kind": batch.kind, "imported": imported, "skipped": skipped},
            )
    except UNIQUE_VIOLATIONS as exc:
        if "rostermove_moved" not in str(exc):
            raise
        # another batch moved some of the same records in between this one's check and
        # its write (the unique key of MovedRecord): nothing of this import is kept
        raise MovedMeanwhile() from None
    batch = ImportBatch.objects.defer("content").get(pk=batch.pk)
    return ImportOutcome(batch=batch, imported=imported, skipped=skipped)


def _sheet_of(batch: ImportBatch) -> dict:
    content = bytes(ImportBatch.objects.values_list("content", flat=True).get(pk=batch.pk))
    return {"content": content, "file_name": batch.file_name, "mapping": batch.mapping}


def _rechecked_counts(batch: ImportBatch, rechecked: Checked) -> dict:
    """The dry run's counts with what the import found since: households moved in by
    another batch, persons enrolled meanwhile."""
    found = _counts(rechecked)
    return {
        "rows": batch.rows,
        "records": batch.records,
        "valid": rechecked.valid_records,
        "already_moved": batch.already_moved + rechecked.already_moved,
        "blocking": batch.blocking + found["blocking"],
        "notices": batch.notices + found["notices"],
    }
