"""Payment through the farm-subsidy card (惠农补贴"一卡通"), on the assistance rolls'
machinery: a batch is a preview until issued; issuing writes the batch, one line per
application and the fund ledger per item type in one transaction, all final (the
``Immutable`` base of benefits), and the bank file is written by benefits' bank-file
writer. ``reconcile`` proves lines, batch totals, ledger and approved amounts agree to the
fen, summing in Decimal (SQLite sums decimals as floating point)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.benefits.exports import bank_file_csv, bank_file_xlsx

from .. import transitions
from ..errors import NoCard, NothingToPay, WrongState
from ..models import (
    Application,
    Item,
    LedgerEntry,
    PaymentBatch,
    PaymentLine,
    Scheme,
    Status,
)
from .common import audit, require

ZERO = Decimal("0")


@dataclass
class BatchPreview:
    scheme: Scheme
    applications: list[Application] = field(default_factory=list)
    missing_cards: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((a.approved_amount or ZERO for a in self.applications), ZERO)


def payable(scheme: Scheme, now: datetime):
    """Disclosed applications whose period ended without an objection, not yet paid."""
    return (
        Application.objects.filter(
            scheme=scheme, status=Status.DISCLOSED, disclosure_ends__lt=now, approved_amount__gt=0
        )
        .filter(Q(payment__isnull=True))
        .select_related("unit")
        .order_by("number")
    )


def batch_preview(*, scheme: Scheme, actor, now: datetime | None = None) -> BatchPreview:
    require(actor, Action.SUBSIDY_VIEW, scheme.division_id)
    now = now or timezone.now()
    preview = BatchPreview(scheme=scheme, applications=list(payable(scheme, now)))
    preview.missing_cards = sorted(
        {a.unit.name for a in preview.applications if not a.unit.card_number}
    )
    return preview


def digest_of(lines) -> str:
    """SHA-256 over the lines in reference order: any later change to a batch shows."""
    text = "\n".join(
        f"{ln.reference}|{ln.amount:.2f}|{ln.account_number}"
        for ln in sorted(lines, key=lambda ln: ln.reference)
    )
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def batch_issue(*, scheme: Scheme, actor, now: datetime | None = None) -> PaymentBatch:
    """Issue the next batch of the scheme: every payable application, paid once."""
    role = require(actor, Action.SUBSIDY_PAY, scheme.division_id)
    now = now or timezone.now()
    applications = list(payable(scheme, now).select_for_update(of=("self",)))
    if not applications:
        raise NothingToPay()
    missing = sorted({a.unit.name for a in applications if not a.unit.card_number})
    if missing:
        raise NoCard("、".join(missing[:20]))
    number = (PaymentBatch.objects.filter(scheme=scheme).aggregate(n=Max("number"))["n"] or 0) + 1
    lines = [
        PaymentLine(
            application=a,
            amount=a.approved_amount,
            payee_name=a.unit.name,
            bank_name=a.unit.bank_name,
            account_number=a.unit.card_number,
            reference=f"{scheme.code}-{number:03d}-{a.number}",
        )
        for a in applications
    ]
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(
                scheme=scheme,
                number=number,
                units=len({a.unit_id for a in applications}),
                total_amount=sum((ln.amount for ln in lines), ZERO),
                issued_by=actor,
                digest=digest_of(lines),
            )
            for line in lines:
                line.batch = batch
            PaymentLine.objects.bulk_create(lines)
    except IntegrityError:  # another officer issued the same batch or paid one of them
        raise WrongState(
            what=PaymentBatch._meta.verbose_name,
            status=str(_("issued")),
            target=str(_("issued")),
        ) from None
    ledger: dict[str, list] = defaultdict(lambda: [0, ZERO])
    for item in Item.objects.filter(application__in=applications).only(
        "item_type", "approved_amount"
    ):
        if item.approved_amount:
            ledger[item.item_type][0] += 1
            ledger[item.item_type][1] += item.approved_amount
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(batch=batch, item_type=kind, items=n, amount=amount)
            for kind, (n, amount) in sorted(ledger.items())
        ]
    )
    for application in applications:
        transitions.move(application, Status.PAID)
    audit(
        EventType.SUBSIDY_BATCH_ISSUED,
        batch,
        actor=actor,
        role=role,
        division=scheme.division_id,
        new={
            "number": number,
            "units": batch.units,
            "total": batch.total_amount,
            "digest": batch.digest,
        },
        signer=actor,
    )
    return batch


def bank_rows(batch: PaymentBatch) -> list[list]:
    return [
        [n, ln.payee_name, ln.bank_name, ln.account_number, ln.amount, ln.reference]
        for n, ln in enumerate(batch.lines.order_by("reference"), start=1)
    ]


def bank_csv(batch: PaymentBatch, encoding: str = "utf-8-sig") -> bytes:
    return bank_file_csv(bank_rows(batch), encoding)


def bank_xlsx(batch: PaymentBatch) -> bytes:
    return bank_file_xlsx(bank_rows(batch))


@dataclass(frozen=True)
class Mismatch:
    batch_id: int
    what: str
    expected: str
    found: str


def reconcile(scheme: Scheme) -> list[Mismatch]:
    """Empty when, for every batch, the lines add up to the batch total and to the ledger,
    each line equals its application's approved amount and the sum of its items', the
    ledger per item type equals those items, and the digest still matches."""
    problems: list[Mismatch] = []
    batches = {b.pk: b for b in PaymentBatch.objects.filter(scheme=scheme)}
    lines: dict[int, list[PaymentLine]] = defaultdict(list)
    for line in PaymentLine.objects.filter(batch_id__in=list(batches)).select_related(
        "application"
    ):
        lines[line.batch_id].append(line)
    items: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    per_app: dict[int, Decimal] = defaultdict(lambda: ZERO)
    batch_of = {ln.application_id: b for b, lns in lines.items() for ln in lns}
    for app_id, kind, amount in Item.objects.filter(application_id__in=list(batch_of)).values_list(
        "application_id", "item_type", "approved_amount"
    ):
        if amount:
            items[(batch_of[app_id], kind)] += amount
            per_app[app_id] += amount
    ledger: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for entry in LedgerEntry.objects.filter(batch_id__in=list(batches)):
        ledger[(entry.batch_id, entry.item_type)] += entry.amount
    for pk, batch in sorted(batches.items()):
        stored = lines.get(pk, [])
        total = sum((ln.amount for ln in stored), ZERO)
        if total != batch.total_amount:
            problems.append(Mismatch(pk, "batch total", str(batch.total_amount), str(total)))
        booked = sum((v for (b, _k), v in ledger.items() if b == pk), ZERO)
        if booked != total:
            problems.append(Mismatch(pk, "ledger", str(total), str(booked)))
        for ln in stored:
            if (
                ln.amount != ln.application.approved_amount
                or ln.amount != per_app[ln.application_id]
            ):
                problems.append(
                    Mismatch(
                        pk,
                        f"line {ln.reference}",
                        str(ln.application.approved_amount),
                        str(ln.amount),
                    )
                )
        if digest_of(stored) != batch.digest:
            problems.append(Mismatch(pk, "digest", batch.digest, "changed"))
    for key in sorted(set(items) | set(ledger)):
        if items.get(key, ZERO) != ledger.get(key, ZERO):
            problems.append(
                Mismatch(key[0], f"ledger {key[1]}", str(items.get(key)), str(ledger.get(key)))
            )
    return problems
