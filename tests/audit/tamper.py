"""Tampering with the audit log the way an intruder with database access would.

The ORM refuses to change events and, on PostgreSQL, a trigger refuses raw UPDATE and
DELETE too; to test that verification notices tampering we switch the trigger off around
the raw statements (SQLite has no trigger: plain raw SQL reaches the table there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from yimen.audit.chain import hash_of_row
from yimen.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def tamper(*statements: str | tuple[str, Sequence[Any]]) -> None:
    """Run raw SQL statements (text, or (text, params)) on the audit table, bypassing guards."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # ALTER TABLE refuses while deferred FK checks of this transaction are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, None)
            cursor.execute(sql, params)
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


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
