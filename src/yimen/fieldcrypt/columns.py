"""The one helper for code that writes or reads encrypted columns without the ORM: raw
SQL, COPY, ``executemany``, DuckDB and Parquet writers.

Such code names the model field; the helper knows its table, column, kind and index field,
so a raw writer stores exactly what the ORM would (the same sealing, the same index)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models

from yimen.fieldcrypt import cipher
from yimen.fieldcrypt.fields import EncryptedField


def encrypted_field(model: type[models.Model], name: str) -> EncryptedField:
    field = model._meta.get_field(name)
    if not isinstance(field, EncryptedField):
        raise TypeError(f"{model.__name__}.{name} is not an EncryptedField")
    return field


def seal_column(
    model: type[models.Model], name: str, values: Iterable[str | None]
) -> tuple[list[str | None], list[str]]:
    """(stored values, blind indexes) for ``values`` of ``model.name``, in order. The index
    list is all "" for a field without an index."""
    field = encrypted_field(model, name)
    table, column = field.table, field.column_name
    sealed: list[str | None] = []
    indexes: list[str] = []
    for value in values:
        sealed.append(cipher.seal(table, column, value))
        indexes.append(field.index_of(value) if field.blind_index else "")
    return sealed, indexes


def open_column(
    model: type[models.Model], name: str, stored: Iterable[str | None]
) -> list[str | None]:
    """The plaintext of stored values of ``model.name`` (what a raw read returns)."""
    field = encrypted_field(model, name)
    return [cipher.open_(field.table, field.column_name, value) for value in stored]


def blind_indexes(kind: str, values: Sequence[str | None]) -> list[str]:
    """Blind indexes of values that are not stored at all (a partner's Parquet keeps only
    these): the same index as any table's ``…_bidx`` for an equal value."""
    return [cipher.blind_index(kind, value) for value in values]


def index_of(model: type[models.Model], name: str, value: str | None) -> str:
    """The blind index a lookup of ``model.name == value`` compares (raw SQL ``WHERE``)."""
    return encrypted_field(model, name).index_of(value)


def seal_columns(model: type[models.Model], columns: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
    """``columns`` (attname → values) as a raw insert must store them: each encrypted
    field's values sealed and its blind index column added. Other columns pass through,
    so a column-wise writer calls this once, whatever the model."""
    out: dict[str, Any] = dict(columns)
    for field in model._meta.local_fields:
        if isinstance(field, EncryptedField) and field.attname in columns:
            sealed, indexes = seal_column(model, field.name, columns[field.attname])
            out[field.attname] = sealed
            if field.blind_index:
                index_field = model._meta.get_field(field.blind_index)
                out[getattr(index_field, "attname", field.blind_index)] = indexes
    return out
