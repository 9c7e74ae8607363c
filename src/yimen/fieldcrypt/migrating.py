"""For the data migrations that encrypt a table's existing rows (``RunPython``)."""

from __future__ import annotations

from typing import Any

from yimen.fieldcrypt.fields import BlindIndexField, EncryptedField

BATCH = 2000


def encrypt_rows(apps: Any, schema_editor: Any, label: str) -> None:
    """Seal every encrypted field of the model ``label`` ("app.Model") and fill its blind
    indexes, in batches of the primary key. Values already sealed are left as they are
    (rerunnable); values written before encryption are read as they are (``cipher.open_``)."""
    model = apps.get_model(label)
    fields = [f for f in model._meta.local_fields if isinstance(f, EncryptedField)]
    indexes = [f for f in model._meta.local_fields if isinstance(f, BlindIndexField)]
    names = [f.name for f in fields] + [f.name for f in indexes]
    manager = model._base_manager.using(schema_editor.connection.alias)
    last = None
    while True:
        page = manager.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:BATCH])
        if not rows:
            return
        for row in rows:
            for index in indexes:
                index.pre_save(row, add=False)
        manager.bulk_update(rows, names)
        last = rows[-1].pk
