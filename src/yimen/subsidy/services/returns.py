"""Subsidy card payments the bank sent back (退票): importing its return file for a payment
batch and correcting the unit's card, on the assistance rolls' machinery.

The file is read with the dated layout in force for the scheme's county and bank
(``benefits.services.return_layouts.layout_for``, ``benefits.returns_layouts``) and each
row matched to exactly one line of the batch by the same check as the rolls'
(``benefits.returns_matching``): by the line's reference when the bank echoes it, else by
card and amount. One refused row refuses the file and nothing is written; the same file
again (its SHA-256) is the import made the first time. An accepted file writes, in one
transaction, the returns, the ledger's credit per item type (the money is back in the
subsidy's funds) and the audit events that notify the units.

After the bureau records the corrected card (``return_card_correct``), the scheme's next
batch pays each returned amount again, once (``payments.batch_issue``)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events, subject_of
from yimen.benefits.errors import (
    ReturnConflict,
    ReturnRefused,
)
from yimen.benefits.models import ReturnReason, ReturnStatus
from yimen.benefits.returns_matching import Earlier, NotFoundTexts, match_returns
from yimen.benefits.services.return_layouts import layout_for
from yimen.benefits.services.returns import read_match_write

from .. import transitions
from ..models import (
    Item,
    PaymentBatch,
    PaymentReturn,
    ReturnImport,
    ReturnLedgerEntry,
    Unit,
)
from .common import audit, require

ZERO = Decimal("0")
CARD_MAX = 32

#: how a batch's import says a row names none of its lines
BATCH_TEXTS = NotFoundTexts(
    reference=_("No payment of this batch has the reference “%(reference)s”."),
    account=_("No payment of this batch went to card %(account)s."),
)


@dataclass(frozen=True)
class LinePaid:
    """One line of the batch as the bank was sent it (``benefits.returns_matching.Payment``)."""

    key: int  # the payment line
    application_id: int
    month: date
    amount: Decimal
    account: str
    payee: str
    reference: str


@dataclass(frozen=True)
class ImportResult:
    imported: ReturnImport
    created: bool  # False: this very file was imported before, nothing was written


def _lines(batch: PaymentBatch) -> list[LinePaid]:
    paid_on = timezone.localtime(batch.issued_at).date()
    return [
        LinePaid(pk, app_id, paid_on, amount, account, payee, reference)
        for pk, app_id, amount, account, payee, reference in batch.lines.values_list(
            "pk", "application_id", "amount", "account_number", "payee_name", "reference"
        )
    ]


def _returned(batch: PaymentBatch) -> dict:
    return {
        r["line_id"]: Earlier(
            file=r["imported__file_name"],
            day=f"{timezone.localtime(r['imported__imported_at']):%Y-%m-%d}",
        )
        for r in PaymentReturn.objects.filter(line__batch=batch).values(
            "line_id", "imported__file_name", "imported__imported_at"
        )
    }


@transaction.atomic
def returns_import(
    *,
    actor,
    batch: PaymentBatch,
    file_name: str,
    data: bytes,
    layout_id: int | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import the bank's return file of a payment batch: all of it, or nothing."""
    scheme = batch.scheme
    role = require(actor, Action.SUBSIDY_PAY, scheme.division_id)
    today = today or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    earlier = ReturnImport.objects.filter(payment_batch=batch, file_sha256=digest).first()
    if earlier is not None:
        return ImportResult(earlier, created=False)
    layout = layout_for(scheme.division_id, today, layout_id)
    lines, returned = _lines(batch), _returned(batch)
    imported = read_match_write(
        data=data,
        file_name=file_name,
        layout=layout,
        match=lambda rows: match_returns(rows, lines, returned, BATCH_TEXTS),
        write=lambda matched: _write(actor, role, batch, layout, file_name, digest, matched),
    )
    return ImportResult(imported, created=True)


def _write(actor, role, batch, layout, file_name, digest, matched) -> ReturnImport:
    total = sum((line.amount for _row, line in matched), ZERO)
    imported = ReturnImport.objects.create(
        payment_batch=batch,
        layout=layout,
        file_name=file_name[:200],
        file_sha256=digest,
        returns=len(matched),
        total_amount=total,
        imported_by=actor,
    )
    items = PaymentReturn.objects.bulk_create(
        [
            PaymentReturn(
                imported=imported,
                row_number=row.line,
                line_id=line.key,
                application_id=line.application_id,
                amount=line.amount,
                account_number=line.account,
                payee_name=line.payee,
                reason=row.reason,
                bank_code=row.bank_code,
                bank_text=row.bank_text,
                returned_on=row.returned_on,
            )
            for row, line in matched
        ]
    )
    # the credit per item type: a line pays its application's approved items, so the same
    # items come back (the ledger of the batch booked them so)
    credit: dict[str, list] = defaultdict(lambda: [0, ZERO])
    for kind, amount in Item.objects.filter(
        application_id__in=[line.application_id for _row, line in matched],
        approved_amount__gt=0,
    ).values_list("item_type", "approved_amount"):
        credit[kind][0] += 1
        credit[kind][1] += amount
    ReturnLedgerEntry.objects.bulk_create(
        [
            ReturnLedgerEntry(imported=imported, item_type=kind, items=n, amount=amount)
            for kind, (n, amount) in sorted(credit.items())
        ]
    )
    division = batch.scheme.division_id
    drafts = [
        EventDraft(
            event_type=EventType.SUBSIDY_RETURNS_IMPORTED,
            subject_type=subject_of(imported)[0],
            subject_id=str(imported.pk),
            actor=actor,
            role=role,
            division_code=division,
            new={
                "batch": batch.pk,
                "file": imported.file_name,
                "sha256": digest,
                "layout": layout.pk,
                "returns": imported.returns,
                "total": total,
            },
        )
    ]
    application_type = subject_of(items[0].application)[0] if items else ""
    drafts += [
        EventDraft(
            event_type=EventType.SUBSIDY_PAYMENT_RETURNED,
            subject_type=application_type,
            subject_id=str(item.application_id),
            actor=actor,
            role=role,
            division_code=division,
            new={
                "return": item.pk,
                "batch": batch.pk,
                "amount": item.amount,
                "card": item.account_number,
                "reason": item.reason,
                "bank_code": item.bank_code,
            },
            reason=item.bank_text or str(ReturnReason(item.reason).label),
        )
        for item in items
    ]
    record_events(drafts)
    return imported


def waiting_returns(unit: Unit) -> list[PaymentReturn]:
    """The unit's returned payments waiting for a corrected card (the unit's flag)."""
    return list(
        PaymentReturn.objects.filter(
            application__unit=unit, status=ReturnStatus.RETURNED
        ).select_related("line__batch", "application")
    )


@transaction.atomic
def return_card_correct(
    *, actor, unit: Unit, bank_name: str, card_number: str, reason: str
) -> list[PaymentReturn]:
    """Record the unit's corrected farm-subsidy card: its returns waiting for it move to
    "corrected" and the scheme's next batch pays them again. Refused when it has none,
    without a reason, or with the closed card the bank returned to."""
    role = require(actor, Action.SUBSIDY_PAY, unit.division_id)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    waiting = list(
        PaymentReturn.objects.select_for_update(of=("self",))
        .filter(application__unit=unit, status=ReturnStatus.RETURNED)
        .order_by("pk")
    )
    if not waiting:
        raise ReturnRefused(_("This unit has no returned payment waiting for a corrected card."))
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise ReturnRefused(_("Say how the card was corrected (who confirmed it, when)."))
    digits = "".join((card_number or "").split())
    bank_name = (bank_name or "").strip()
    if not digits.isdigit() or len(digits) > CARD_MAX or not bank_name or len(bank_name) > 100:
        raise ReturnRefused(_("Give the bank and the card number (digits only, at most 32)."))
    closed = {r.account_number for r in waiting if r.reason == ReturnReason.ACCOUNT_CLOSED}
    if digits in closed:
        raise ReturnRefused(
            _("This card was closed: the bank returned a payment to it. Give the new card.")
        )
    old = {"bank": unit.bank_name, "card": unit.card_number}
    Unit.objects.filter(pk=unit.pk).update(bank_name=bank_name, card_number=digits)
    ids = [r.pk for r in waiting]
    moved = transitions.move_returns(
        ids,
        ReturnStatus.RETURNED,
        ReturnStatus.CORRECTED,
        corrected_by=actor,
        corrected_at=timezone.now(),
    )
    if moved != len(ids):
        raise ReturnConflict(_("Someone corrected this card at the same moment."))
    audit(
        EventType.SUBSIDY_CARD_CORRECTED,
        unit,
        actor=actor,
        role=role,
        division=unit.division_id,
        old=old,
        new={"returns": ids, "bank": bank_name, "card": digits},
        reason=reason,
    )
    return list(PaymentReturn.objects.filter(pk__in=ids).order_by("pk"))


def batch_returns(batch: PaymentBatch):
    """The batch's returned lines, with where each stands (for its page)."""
    return (
        PaymentReturn.objects.filter(line__batch=batch)
        .select_related("application__unit", "imported", "repayment__batch")
        .order_by("imported_id", "row_number")
    )
