"""The personal-account ledger: the only code that writes ``AccountEntry`` rows.

Why a separate module: the transfer (issue 7) and the settlement (issue 8) both move money
in and out of the same account; one posting function keeps three promises for both —
idempotent on (kind, reference), never negative, and safe under concurrency (the person row
is locked with SELECT … FOR UPDATE on PostgreSQL; SQLite runs write transactions IMMEDIATE,
so they are serialised anyway)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Sum

from .errors import InsufficientBalance, PostingConflict, UnknownEntryKind, ZeroPosting
from .models import AccountEntry, EntryKind, InsuredPerson


def account_balance(person: InsuredPerson | int) -> int:
    """The balance in fen: the sum of the person's ledger rows, computed in the database."""
    person_id = person if isinstance(person, int) else person.pk
    total = AccountEntry.objects.filter(person_id=person_id).aggregate(s=Sum("amount_fen"))["s"]
    return int(total or 0)


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
    if kind not in EntryKind.values:
        raise UnknownEntryKind(kind)
    amount_fen = int(amount_fen)
    if amount_fen == 0:
        raise ZeroPosting()
    person_id = person if isinstance(person, int) else person.pk
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
            with transaction.atomic():
                return AccountEntry.objects.create(
                    person_id=person_id,
                    amount_fen=amount_fen,
                    kind=kind,
                    reference=reference,
                    memo=memo[:200],
                )
        except IntegrityError:
            # Same (kind, reference) committed meanwhile for another person's row lock.
            found = _existing(person_id, amount_fen, kind, reference)
            if found is None:
                raise
            return found
