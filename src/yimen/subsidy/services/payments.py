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
from yimen.benefits.models import ReturnStatus

from .. import transitions
from ..errors import NoCard, NothingToPay, WrongState
from ..models import (
    Application,
    Item,
    LedgerEntry,
    PaymentBatch,
    PaymentLine,
    PaymentReturn,
    RepaymentLine,
    ReturnImport,
    ReturnLedgerEntry,
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
    #: returned payments whose card was corrected: paid again by the next batch
    repayments: list[PaymentReturn] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        new = sum((a.approved_amount or ZERO for a in self.applications), ZERO)
        return new + sum((r.amount for r in self.repayments), ZERO)


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


def to_repay(scheme: Scheme):
    """Returned payments of the scheme whose card was corrected, not yet paid again."""
    return (
        PaymentReturn.objects.filter(application__scheme=scheme, status=ReturnStatus.CORRECTED)
        .select_related("application__unit")
        .order_by("pk")
    )


def batch_preview(*, scheme: Scheme, actor, now: datetime | None = None) -> BatchPreview:
    require(actor, Action.SUBSIDY_VIEW, scheme.division_id)
    now = now or timezone.now()
    preview = BatchPreview(
        scheme=scheme, applications=list(payable(scheme, now)), repayments=list(to_repay(scheme))
    )
    units = [a.unit for a in preview.applications] + [
        r.application.unit for r in preview.repayments
    ]
    preview.missing_cards = sorted({u.name for u in units if not u.card_number})
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
    """Issue the next batch of the scheme: every payable application, paid once, and every
    returned payment whose card was corrected, paid again once (a repayment line)."""
    role = require(actor, Action.SUBSIDY_PAY, scheme.division_id)
    now = now or timezone.now()
    applications = list(payable(scheme, now).select_for_update(of=("self",)))
    returned = list(to_repay(scheme).select_for_update(of=("self",)))
    if not applications and not returned:
        raise NothingToPay()
    units = [a.unit for a in applications] + [r.application.unit for r in returned]
    missing = sorted({u.name for u in units if not u.card_number})
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
    repayments = [
        RepaymentLine(
            payment_return=r,
            application=r.application,
            amount=r.amount,
            payee_name=r.application.unit.name,
            bank_name=r.application.unit.bank_name,
            account_number=r.application.unit.card_number,
            reference=f"{scheme.code}-{number:03d}-{r.application.number}-R{r.pk}",
        )
        for r in returned
    ]
    paid: list = [*lines, *repayments]
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(
                scheme=scheme,
                number=number,
                units=len({u.pk for u in units}),
                total_amount=sum((ln.amount for ln in paid), ZERO),
                issued_by=actor,
                digest=digest_of(paid),
            )
            for line in paid:
                line.batch = batch
            PaymentLine.objects.bulk_create(lines)
            RepaymentLine.objects.bulk_create(repayments)
    except IntegrityError:  # another officer issued the same batch or paid one of them
        raise WrongState(
            what=PaymentBatch._meta.verbose_name,
            status=str(_("issued")),
            target=str(_("issued")),
        ) from None
    ids = [r.pk for r in returned]
    if ids and transitions.move_returns(ids, ReturnStatus.CORRECTED, ReturnStatus.REISSUED) != len(
        ids
    ):
        raise WrongState(
            what=PaymentReturn._meta.verbose_name,
            status=str(ReturnStatus.CORRECTED.label),
            target=str(ReturnStatus.REISSUED.label),
        )
    ledger: dict[str, list] = defaultdict(lambda: [0, ZERO])
    # the items a line pays; an application paid again books its items again
    times = defaultdict(int, {a.pk: 1 for a in applications})
    for r in returned:
        times[r.application_id] += 1
    for app_id, kind, amount in Item.objects.filter(application_id__in=list(times)).values_list(
        "application_id", "item_type", "approved_amount"
    ):
        if amount:
            ledger[kind][0] += times[app_id]
            ledger[kind][1] += amount * times[app_id]
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
            "repayments": ids,
        },
        signer=actor,
    )
    return batch


def paid_lines(batch: PaymentBatch) -> list:
    """The batch's lines and repayment lines, in reference order (the bank file's)."""
    return sorted(
        [*batch.lines.all(), *RepaymentLine.objects.filter(batch=batch)],
        key=lambda ln: ln.reference,
    )


def bank_rows(batch: PaymentBatch) -> list[list]:
    return [
        [n, ln.payee_name, ln.bank_name, ln.account_number, ln.amount, ln.reference]
        for n, ln in enumerate(paid_lines(batch), start=1)
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
    """Empty when, for every batch, its lines and repayment lines add up to the batch total
    and to the ledger, each equals its application's approved amount and the sum of its
    items', the ledger per item type equals those items, and the digest still matches; and
    for every return file, its returns equal the lines they return and its ledger credit
    per item type equals the returned applications' items."""
    problems: list[Mismatch] = []
    batches = {b.pk: b for b in PaymentBatch.objects.filter(scheme=scheme)}
    lines: dict[int, list] = defaultdict(list)
    for model in (PaymentLine, RepaymentLine):
        for line in model.objects.filter(batch_id__in=list(batches)).select_related("application"):
            lines[line.batch_id].append(line)
    paid_in: dict[int, list[int]] = defaultdict(list)  # application → batches paying it
    for b, lns in lines.items():
        for ln in lns:
            paid_in[ln.application_id].append(b)
    items: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    per_app: dict[int, Decimal] = defaultdict(lambda: ZERO)
    kinds: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for app_id, kind, amount in Item.objects.filter(application_id__in=list(paid_in)).values_list(
        "application_id", "item_type", "approved_amount"
    ):
        if amount:
            for b in paid_in[app_id]:
                items[(b, kind)] += amount
            per_app[app_id] += amount
            kinds[app_id].append((kind, amount))
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
    return problems + _reconcile_returns(batches)


def _reconcile_returns(batches: dict[int, PaymentBatch]) -> list[Mismatch]:
    problems: list[Mismatch] = []
    imports = {r.pk: r for r in ReturnImport.objects.filter(payment_batch_id__in=list(batches))}
    returned: dict[int, list[PaymentReturn]] = defaultdict(list)
    for r in PaymentReturn.objects.filter(imported_id__in=list(imports)).select_related("line"):
        returned[r.imported_id].append(r)
    credit: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for entry in ReturnLedgerEntry.objects.filter(imported_id__in=list(imports)):
        credit[(entry.imported_id, entry.item_type)] += entry.amount
    items: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    app_of = {r.application_id: i for i, rs in returned.items() for r in rs}
    for app_id, kind, amount in Item.objects.filter(
        application_id__in=list(app_of), approved_amount__gt=0
    ).values_list("application_id", "item_type", "approved_amount"):
        items[(app_of[app_id], kind)] += amount or ZERO
    for pk, imported in sorted(imports.items()):
        batch = imported.payment_batch_id
        total = sum((r.amount for r in returned[pk]), ZERO)
        if total != imported.total_amount:
            problems.append(
                Mismatch(batch, f"return file {pk}", str(imported.total_amount), str(total))
            )
        for r in returned[pk]:
            if r.amount != r.line.amount:
                problems.append(
                    Mismatch(batch, f"return {r.pk}", str(r.line.amount), str(r.amount))
                )
        booked = sum((v for (i, _k), v in credit.items() if i == pk), ZERO)
        if booked != total:
            problems.append(Mismatch(batch, f"return ledger {pk}", str(total), str(booked)))
    for key in sorted(set(items) | set(credit)):
        if items.get(key, ZERO) != credit.get(key, ZERO):
            problems.append(
                Mismatch(
                    imports[key[0]].payment_batch_id,
                    f"return ledger {key[1]}",
                    str(items.get(key)),
                    str(credit.get(key)),
                )
            )
    return problems


@dataclass(frozen=True)
class Balance:
    """The scheme's fund ledger against what the units hold, to the fen."""

    paid: Decimal  # the ledger's debits: every batch, repayments included
    returned: Decimal  # the ledger's credits: the money the bank sent back
    held: Decimal  # what the units were credited and kept: lines + repayments − returns
    awaiting: Decimal  # returned and not yet paid again (the flagged units')

    @property
    def balanced(self) -> bool:
        return self.paid - self.returned == self.held


def ledger_balance(scheme: Scheme) -> Balance:
    """The ledger's net against the lines, repayments and returns (summed in Decimal)."""

    def total(values) -> Decimal:
        return sum((v for v in values), ZERO)

    paid = total(LedgerEntry.objects.filter(batch__scheme=scheme).values_list("amount", flat=True))
    credit = total(
        ReturnLedgerEntry.objects.filter(imported__payment_batch__scheme=scheme).values_list(
            "amount", flat=True
        )
    )
    out = total(PaymentLine.objects.filter(batch__scheme=scheme).values_list("amount", flat=True))
    again = total(
        RepaymentLine.objects.filter(batch__scheme=scheme).values_list("amount", flat=True)
    )
    returns = PaymentReturn.objects.filter(application__scheme=scheme)
    back = total(returns.values_list("amount", flat=True))
    awaiting = total(returns.exclude(status=ReturnStatus.REISSUED).values_list("amount", flat=True))
    return Balance(paid=paid, returned=credit, held=out + again - back, awaiting=awaiting)
