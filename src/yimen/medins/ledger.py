"""The personal-account ledger: the only code that writes ``AccountEntry`` rows.

Why a separate module: the transfer (issue 7) and the settlement (issue 8) both move money
in and out of the same account; one posting function keeps three promises for both —
idempotent on (kind, reference), never negative, and safe under concurrency (the person row
is locked with SELECT … FOR UPDATE on PostgreSQL; SQLite runs write transactions IMMEDIATE,
so they are serialised anyway).

Every row is written by one statement, ``POST_ENTRY`` (built by ``posting_statement``):
``account_post`` runs it for the ordinary callers, and the settlement fast path
(``settlement.fsi.settle_fast``) sends it in its pipeline with the other writes of a bill, so
the ledger's table, columns and checks are named here only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from .errors import InsufficientBalance, PostingConflict, UnknownEntryKind, ZeroPosting
from .models import AccountEntry, EntryKind, InsuredPerson

#: The balance of the person given as the one parameter, as a scalar subquery (a SELECT
#: list item), for a caller that reads it together with other figures in one statement.
BALANCE_OF = (
    "(SELECT COALESCE(SUM(a.amount_fen), 0) FROM medins_accountentry a WHERE a.person_id = %s)"
)


def account_balance(person: InsuredPerson | int) -> int:
    """The balance in fen: the sum of the person's ledger rows, computed in the database
    (the same figure as ``BALANCE_OF``)."""
    person_id = person if isinstance(person, int) else person.pk
    total = AccountEntry.objects.filter(person_id=person_id).aggregate(s=Sum("amount_fen"))["s"]
    return int(total or 0)


#: The one INSERT of a ledger row. RETURNING the id, so ``account_post`` needs no second read;
#: inside a data-modifying WITH (the fast path) the id is simply not used.
POST_ENTRY = (
    "INSERT INTO medins_accountentry (person_id, amount_fen, kind, reference, memo, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
)


def posting_statement(
    *, person_id: int, amount_fen: int, kind: str, reference: str, memo: str = "", at: datetime
) -> tuple[str, list[Any]]:
    """The checked ``POST_ENTRY`` and its parameters for one posting, for a caller that sends
    it with other writes of the same transaction.

    Checked here: a known kind and a non-zero amount. The caller's promises (``account_post``
    keeps them itself): it holds the person's row lock (SELECT … FOR UPDATE) and, for a debit,
    read the balance under that lock and found it enough. A second posting of the same
    (kind, reference) fails the unique index with IntegrityError and the caller's transaction
    rolls back — the fast path then replays the first answer."""
    if kind not in EntryKind.values:
        raise UnknownEntryKind(kind)
    amount_fen = int(amount_fen)
    if amount_fen == 0:
        raise ZeroPosting()
    return POST_ENTRY, [
        person_id,
        amount_fen,
        kind,
        reference,
        memo[:200],
        connection.ops.adapt_datetimefield_value(at),
    ]


def _existing(person_id: int, amount_fen: int, kind: str, reference: str) -> AccountEntry | None:
    entry = AccountEntry.objects.filter(kind=kind, reference=reference).first()
    if entry is None:
        return None
    if entry.person_id != person_id or entry.amount_fen != amount_fen:
        raise PostingConflict(kind=kind, reference=reference)
    return entry


def account_post(
    person: InsuredPerson | int,
    amount_fen: int,
    kind: str,
    reference: str,
    memo: str = "",
) -> AccountEntry:
    """Post ``amount_fen`` (credit > 0, debit < 0) to the person's account, once.

    A repeat with the same (kind, reference), person and amount returns the first entry; a
    repeat that differs raises ``PostingConflict``. A debit larger than the balance raises
    ``InsufficientBalance`` and writes nothing. Runs in its own atomic block (nested in the
    caller's transaction when there is one)."""
    person_id = person if isinstance(person, int) else person.pk
    at = timezone.now()
    sql, params = posting_statement(
        person_id=person_id, amount_fen=amount_fen, kind=kind, reference=reference, memo=memo, at=at
    )
    amount_fen = int(amount_fen)
    with transaction.atomic():
        # The lock orders every posting of this person: the balance read below cannot change
        # before our row is written.
        InsuredPerson.objects.select_for_update().only("pk").get(pk=person_id)
        found = _existing(person_id, amount_fen, kind, reference)
        if found is not None:
            return found
        if amount_fen < 0:
            balance = account_balance(person_id)
            if balance + amount_fen < 0:
                raise InsufficientBalance(balance_fen=balance, amount_fen=amount_fen)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                (pk,) = cursor.fetchone()
        except IntegrityError:
            # Same (kind, reference) committed meanwhile for another person's row lock.
            found = _existing(person_id, amount_fen, kind, reference)
            if found is None:
                raise
            return found
        entry = AccountEntry(
            pk=pk, person_id=person_id, amount_fen=amount_fen, kind=kind,
            reference=reference, memo=memo[:200], created_at=at,
        )  # fmt: skip
        entry._state.adding, entry._state.db = False, connection.alias  # as if read (from_db)
        return entry
