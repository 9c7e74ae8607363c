"""The fund ledger with the money that came back, reconciled to the fen.

``payments.reconcile`` proves each roll's ledger entries (the debit) equal its lines. This
proves the other side: the returned money booked (``FundReturnEntry``, the credit) equals
the returns per roll and assistance type; each return is exactly the transfer it returns;
each return paid again is one re-issue line of its amount in the roll that paid it, and
no re-issue line is without its return. Sums are made in Decimal here, not by the
database (SQLite sums decimals as floating point)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from ..models import (
    FundLedgerEntry,
    FundReturnEntry,
    PaymentLine,
    PaymentReturn,
    ReturnBatch,
    ReturnStatus,
)
from ..models.payments import LineKind
from .payments import Mismatch

ZERO = Decimal("0")


def _returns_match_ledger(prefix: str, problems: list[Mismatch]) -> None:
    homes: dict[tuple[int, str], set[int]] = defaultdict(set)
    money: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    per_batch: dict[int, tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO))
    for r in PaymentReturn.objects.filter(roll__division__code__startswith=prefix).values(
        "roll_id", "beneficiary_id", "assistance_type", "amount", "batch_id"
    ):
        key = (r["roll_id"], r["assistance_type"])
        homes[key].add(r["beneficiary_id"])
        money[key] += r["amount"]
        count, total = per_batch[r["batch_id"]]
        per_batch[r["batch_id"]] = (count + 1, total + r["amount"])
    booked_homes: dict[tuple[int, str], int] = defaultdict(int)
    booked: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for e in FundReturnEntry.objects.filter(division__code__startswith=prefix).values(
        "roll_id", "assistance_type", "households", "amount"
    ):
        key = (e["roll_id"], e["assistance_type"])
        booked_homes[key] += e["households"]
        booked[key] += e["amount"]
    for key in sorted(set(money) | set(booked)):
        returned = (len(homes.get(key, ())), money.get(key, ZERO))
        entered = (booked_homes.get(key, 0), booked.get(key, ZERO))
        if returned != entered:
            problems.append(Mismatch(key[0], f"returned {key[1]}", str(returned), str(entered)))
    for batch in ReturnBatch.objects.filter(division__code__startswith=prefix):
        if per_batch.get(batch.pk, (0, ZERO)) != (batch.returns, batch.total_amount):
            problems.append(
                Mismatch(0, f"return file {batch.pk}", str(batch.total_amount), "changed")
            )


def _returns_match_transfers(prefix: str, problems: list[Mismatch]) -> None:
    returns = list(
        PaymentReturn.objects.filter(roll__division__code__startswith=prefix).values(
            "pk", "roll_id", "roll__month", "beneficiary_id", "amount", "status", "reissued_in_id"
        )
    )
    net: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    reissue_lines: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    homes = {r["beneficiary_id"] for r in returns}
    for line in (
        PaymentLine.objects.filter(roll__division__code__startswith=prefix)
        .filter(Q(beneficiary_id__in=homes) | Q(kind=LineKind.REISSUE))
        .values("roll_id", "beneficiary_id", "amount", "kind", "reference")
        .iterator(chunk_size=10_000)
    ):
        net[(line["roll_id"], line["beneficiary_id"])] += line["amount"]
        if line["kind"] == LineKind.REISSUE:
            return_id = int(line["reference"].rsplit("-R", 1)[1])
            reissue_lines[return_id].append((line["roll_id"], line["amount"]))
    for r in returns:
        paid = net.get((r["roll_id"], r["beneficiary_id"]), ZERO)
        if paid != r["amount"]:
            problems.append(
                Mismatch(r["roll_id"], f"return {r['pk']}", str(paid), str(r["amount"]))
            )
        lines = reissue_lines.pop(r["pk"], [])
        expected = (
            [(r["reissued_in_id"], r["amount"])] if r["status"] == ReturnStatus.REISSUED else []
        )
        if lines != expected:
            problems.append(
                Mismatch(r["roll_id"], f"reissue of return {r['pk']}", str(expected), str(lines))
            )
    for return_id, lines in sorted(reissue_lines.items()):
        problems.append(Mismatch(lines[0][0], f"reissue of return {return_id}", "[]", str(lines)))


def reconcile_returns(prefix: str = "") -> list[Mismatch]:
    """Prove the returned money, the returns and their re-issues agree to the fen; an empty
    list means they do (``payments.reconcile`` proves the rolls' side)."""
    problems: list[Mismatch] = []
    _returns_match_ledger(prefix, problems)
    _returns_match_transfers(prefix, problems)
    return problems


@dataclass(frozen=True)
class FundMonth:
    """The fund's movements of one month: paid by the month's rolls, returned by the bank
    in files booked that month, and what left the fund net."""

    month: date
    paid: Decimal
    returned: Decimal

    @property
    def net(self) -> Decimal:
        return self.paid - self.returned


def fund_months(prefix: str = "") -> list[FundMonth]:
    """The ledger month by month, both sides, summed in Decimal."""
    paid: dict[date, Decimal] = defaultdict(lambda: ZERO)
    returned: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for month, amount in FundLedgerEntry.objects.filter(
        division__code__startswith=prefix
    ).values_list("month", "amount"):
        paid[month] += amount
    for month, amount in FundReturnEntry.objects.filter(
        division__code__startswith=prefix
    ).values_list("month", "amount"):
        returned[month] += amount
    return [
        FundMonth(month, paid.get(month, ZERO), returned.get(month, ZERO))
        for month in sorted(set(paid) | set(returned))
    ]
