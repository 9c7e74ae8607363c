"""Matching the rows of a bank's return file to the payments they send back: the check every
service's returns import shares (the assistance rolls' ``services/returns.py``, the subsidy
batches' ``subsidy/services/returns.py``). Pure: the service reads the payments its file may
name and the ones returned already; this says which row returns which, or why not.

A row is matched by the payment's reference when the bank echoes it, else by account and
amount (and not before the payment was made). A row matching none or several, naming
another account or amount, returning a payment returned already, or the same payment as an
earlier row of the file is refused with its line."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import RowProblem
from .returns_layouts import ReturnRow


class Payment(Protocol):
    """One transfer the bank was sent: what a return row may name."""

    @property
    def key(self) -> Hashable: ...  # the same payment, whichever way it is found

    @property
    def month(self) -> date: ...  # when it was paid (a return cannot be dated before)

    @property
    def amount(self) -> Decimal: ...

    @property
    def account(self) -> str: ...

    @property
    def reference(self) -> str: ...


P = TypeVar("P", bound=Payment)


@dataclass(frozen=True)
class Earlier:
    """Where a payment was returned already: the file and the day it was imported."""

    file: str
    day: str


@dataclass(frozen=True)
class NotFoundTexts:
    """How a service says a row names none of its payments (by reference, by account)."""

    reference: Promise | str  # with %(reference)s
    account: Promise | str  # with %(account)s


def _candidates(row: ReturnRow, payments: Sequence[P]) -> list[P]:
    if row.reference:
        return [p for p in payments if p.reference == row.reference]
    same = [p for p in payments if p.account == row.account and p.amount == row.amount]
    if row.returned_on is not None:  # the bank cannot return what it was not yet sent
        same = [p for p in same if p.month <= row.returned_on]
    return same


def match_returns(
    rows: Sequence[ReturnRow],
    payments: Sequence[P],
    returned: Mapping[Any, Earlier],
    texts: NotFoundTexts,
) -> tuple[list[tuple[ReturnRow, P]], list[RowProblem]]:
    """Each row's one payment, or the problems of the rows that have none (see above)."""
    matched: list[tuple[ReturnRow, P]] = []
    problems: list[RowProblem] = []
    first_line: dict[Hashable, int] = {}

    def refuse(row: ReturnRow, message, **params) -> None:
        problems.append(RowProblem(line=row.line, message=message, params=params))

    for row in rows:
        found = _candidates(row, payments)
        if not found:
            paid_to = [p for p in payments if p.account == row.account]
            if row.reference:
                refuse(row, texts.reference, reference=row.reference)
            elif paid_to:
                refuse(
                    row,
                    _(
                        "No payment of %(amount)s yuan was made to account %(account)s "
                        "(it was paid %(paid)s)."
                    ),
                    amount=row.amount,
                    account=row.account,
                    paid="、".join(sorted({f"{p.amount}" for p in paid_to})[:6]),
                )
            else:
                refuse(row, texts.account, account=row.account)
            continue
        if len(found) > 1:
            refuse(
                row,
                _(
                    "The line matches %(count)s payments (%(months)s): the layout needs "
                    "the reference column to tell them apart."
                ),
                count=len(found),
                months="、".join(sorted(f"{p.month:%Y-%m}" for p in found)),
            )
            continue
        payment = found[0]
        if payment.account != row.account:
            refuse(
                row,
                _("Account %(account)s is not the account paid under this reference."),
                account=row.account,
            )
        elif payment.amount != row.amount:
            refuse(
                row,
                _("The amount returned, %(amount)s yuan, differs from the %(paid)s yuan paid."),
                amount=row.amount,
                paid=payment.amount,
            )
        elif payment.key in returned:
            earlier = returned[payment.key]
            refuse(
                row,
                _("This payment was returned already (file “%(file)s” of %(day)s)."),
                file=earlier.file,
                day=earlier.day,
            )
        elif payment.key in first_line:
            refuse(
                row,
                _("The same payment as line %(line)s of this file."),
                line=first_line[payment.key],
            )
        else:
            first_line[payment.key] = row.line
            matched.append((row, payment))
    return matched, problems
