"""Tampering with the audit log the way an intruder with database access would.

The ORM refuses to change events and, on PostgreSQL, a trigger refuses raw UPDATE and
DELETE too; the chain head's trigger lets it only move forward (both databases). To test
that verification notices tampering we switch the triggers off around the raw statements,
as a table owner can: ALTER TABLE … DISABLE TRIGGER on PostgreSQL, dropping and recreating
the head's trigger on SQLite (which cannot disable one).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from yimen.audit.chain import hash_of_row
from yimen.audit.models import AuditEvent, ChainHead

TABLE = AuditEvent._meta.db_table
HEAD = ChainHead._meta.db_table
_forward_only = importlib.import_module("yimen.audit.migrations.0015_chainhead_mac_forward_only")


def tamper(*statements: str | tuple[str, Sequence[Any]]) -> None:
    """Run raw SQL statements (text, or (text, params)) on the audit table, bypassing guards."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # ALTER TABLE refuses while deferred FK checks of this transaction are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {HEAD} DISABLE TRIGGER USER")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {_forward_only.TRIGGER}")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, None)
            cursor.execute(sql, params)
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute(f"ALTER TABLE {HEAD} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for sql in _forward_only.sqlite_sql(connection.ops.quote_name(HEAD)):
                cursor.execute(sql)


def edit_reason(seq: int, reason: str) -> None:
    """Change the reason of event ``seq``, leaving its stored hash as it was."""
    tamper((f"UPDATE {TABLE} SET reason = %s WHERE seq = %s", [reason, seq]))


def forge_reason(seq: int, reason: str) -> None:
    """Change the reason of event ``seq`` and store a hash recomputed to match it."""
    event = AuditEvent.objects.get(seq=seq)
    event.reason = reason
    tamper(
        (
            f"UPDATE {TABLE} SET reason = %s, hash = %s WHERE seq = %s",
            [reason, hash_of_row(event), seq],
        )
    )


def delete_seq(*seqs: int) -> None:
    """Delete the events with these seq numbers."""
    tamper(*[(f"DELETE FROM {TABLE} WHERE seq = %s", [seq]) for seq in seqs])


def swap(a: int, b: int) -> None:
    """Swap the places of events ``a`` and ``b`` in the chain (each row's contents stay)."""
    tamper(
        (f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [-a, a]),
        (f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [a, b]),
        (f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [b, -a]),
    )


def rewind_head(seq: int) -> None:
    """Point the chain head back at event ``seq`` (after deleting the events beyond it),
    keeping its MAC as it was: what an intruder without the audit key can do."""
    tamper(
        (
            f"UPDATE {HEAD} SET seq = %s, hash = (SELECT hash FROM {TABLE} WHERE seq = %s)",
            [seq, seq],
        )
    )


def rehash_from(seq: int, reason: str) -> None:
    """Rewrite event ``seq``'s reason and rehash it and every later event so each link and
    hash is right again, then point the head at the new last hash (MAC untouched): the
    forgery that passes a chain check without a key or a checkpoint."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    statements: list[str | tuple[str, Sequence[Any]]] = []
    for event in events:
        if event.seq == seq:
            event.reason = reason
        event.prev_hash = prev
        event.hash = hash_of_row(event)
        prev = event.hash
        statements.append(
            (
                f"UPDATE {TABLE} SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [event.reason, event.prev_hash, event.hash, event.seq],
            )
        )
    statements.append((f"UPDATE {HEAD} SET hash = %s", [prev]))
    tamper(*statements)
