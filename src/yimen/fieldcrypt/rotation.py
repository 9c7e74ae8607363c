"""Key rotation: re-encrypt a table's values under a new data key, in batches, resumable.

A rotation makes the table's new key active (new values use it at once), then walks the
table in primary-key order, a batch per transaction: each batch re-encrypts the values not
yet under the new key and records, in the same transaction, how far it got (``Rotation``).
Killed at any point, the table holds whole batches under the new key and the rest under the
old one — both open, since a value names its key — and the next run continues from the
recorded row. When the walk reaches the end, one more sweep from the start takes values
written meanwhile by a process that still had the old key cached, and the rotation is
closed. Each row is updated only if its values are still the ones read (a concurrent edit
wins; the sweep then finds it already under the new key). Blind indexes do not change: the
index key is the deployment's and is not rotated here (docs/privacy.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from yimen.fieldcrypt import cipher, keys
from yimen.fieldcrypt.fields import EncryptedField
from yimen.fieldcrypt.models import INDEX_SCOPE, Rotation

BATCH = 500


@dataclass(frozen=True)
class Table:
    """A table holding encrypted columns."""

    name: str
    pk: str
    columns: tuple[str, ...]


def encrypted_tables() -> list[Table]:
    """Every table with an encrypted column, by name."""
    found: dict[str, Table] = {}
    for model in apps.get_models():
        columns = tuple(
            f.column_name for f in model._meta.local_fields if isinstance(f, EncryptedField)
        )
        pk = model._meta.pk
        if columns and pk is not None and not model._meta.proxy:
            table = model._meta.db_table
            found[table] = Table(table, pk.column or pk.name, columns)
    return [found[name] for name in sorted(found)]


class RotationRefused(ValueError):
    pass


def _open_rotation(table: Table) -> Rotation:
    current = Rotation.objects.filter(table=table.name, finished_at__isnull=True).first()
    if current is not None:
        return current
    with transaction.atomic():
        target = keys.new_key(table.name)
        total = _pending_count(table, target.kid)
        return Rotation.objects.create(table=table.name, target_kid=target.kid, total=total)


def _stale(table: Table, kid: str) -> tuple[str, list[str]]:
    """SQL and parameters: some non-empty column of the row is not under ``kid``."""
    prefix = f"{cipher.PREFIX}:{kid}:%"
    parts = [f"({c} <> '' AND {c} NOT LIKE %s)" for c in _quoted(table.columns)]
    return "(" + " OR ".join(parts) + ")", [prefix] * len(table.columns)


def _quoted(names: tuple[str, ...]) -> list[str]:
    return [connection.ops.quote_name(n) for n in names]


def _pending_count(table: Table, kid: str) -> int:
    where, params = _stale(table, kid)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {connection.ops.quote_name(table.name)} WHERE {where}",  # noqa: S608
            params,
        )
        return int(cursor.fetchone()[0])


def _batch(table: Table, kid: str, after: int, size: int) -> list[tuple]:
    where, params = _stale(table, kid)
    pk = connection.ops.quote_name(table.pk)
    columns = ", ".join(_quoted(table.columns))
    sql = (
        f"SELECT {pk}, {columns} FROM {connection.ops.quote_name(table.name)} "  # noqa: S608
        f"WHERE {where} AND {pk} > %s ORDER BY {pk} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, after, size])
        return list(cursor.fetchall())


def _reseal(table: Table, rows: list[tuple]) -> int:
    """Re-encrypt ``rows`` (pk, values…) under the table's active key, guarded."""
    sets = ", ".join(f"{c} = %s" for c in _quoted(table.columns))
    guards = " AND ".join(f"{c} IS NOT DISTINCT FROM %s" for c in _quoted(table.columns))
    if connection.vendor == "sqlite":
        guards = " AND ".join(f"{c} IS %s" for c in _quoted(table.columns))
    sql = (
        f"UPDATE {connection.ops.quote_name(table.name)} SET {sets} "  # noqa: S608
        f"WHERE {connection.ops.quote_name(table.pk)} = %s AND {guards}"
    )
    params = []
    for pk, *stored in rows:
        fresh = [
            cipher.seal(table.name, column, cipher.open_(table.name, column, value))
            for column, value in zip(table.columns, stored, strict=True)
        ]
        params.append([*fresh, pk, *stored])
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(rows)


Progress = Callable[[Rotation], None]


def rotate(
    table: Table,
    *,
    batch: int = BATCH,
    max_batches: int | None = None,
    progress: Progress | None = None,
) -> Rotation:
    """Rotate (or continue rotating) ``table``'s data key; returns the rotation's state,
    finished unless ``max_batches`` stopped it first."""
    if table.name == INDEX_SCOPE:
        raise RotationRefused("the blind-index key is not rotated / 盲索引密钥不轮换")
    rotation = _open_rotation(table)
    kid = rotation.target_kid
    ran = 0
    while max_batches is None or ran < max_batches:
        after = rotation.last_pk if rotation.sweeping is False else rotation.sweep_pk
        rows = _batch(table, kid, after if after is not None else _lowest(), batch)
        with transaction.atomic():
            locked = Rotation.objects.select_for_update().get(pk=rotation.pk)
            if not rows:
                if not locked.sweeping:
                    locked.sweeping = True  # the walk is done: one sweep from the start
                    locked.save(update_fields=["sweeping"])
                    rotation = locked
                    continue
                locked.finished_at = timezone.now()
                locked.save(update_fields=["finished_at"])
                rotation = locked
                break
            locked.done += _reseal(table, rows)
            locked.batches += 1
            if locked.sweeping:
                locked.sweep_pk = rows[-1][0]
            else:
                locked.last_pk = rows[-1][0]
            locked.save(update_fields=["done", "batches", "last_pk", "sweep_pk"])
            rotation = locked
        ran += 1
        if progress is not None:
            progress(rotation)
    return rotation


def _lowest() -> int:
    return -(2**62)
