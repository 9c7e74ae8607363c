"""The only place a batch's status changes: checked → imported, guarded, so two imports of
one batch (two clerks, two tabs) cannot both write it."""

from __future__ import annotations

from django.utils import timezone

from .errors import AlreadyImported
from .models import BatchStatus, ImportBatch


def mark_imported(batch: ImportBatch, actor) -> None:
    """Claim the batch for this import (inside its transaction) or refuse: the update takes
    the row's lock on PostgreSQL and SQLite's write lock, so the loser waits, then finds the
    status changed."""
    moved = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.CHECKED).update(
        status=BatchStatus.IMPORTED, imported_by=actor, imported_at=timezone.now()
    )
    if moved != 1:
        raise AlreadyImported()
    batch.status = BatchStatus.IMPORTED
