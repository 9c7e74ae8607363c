"""Payments the bank sent back (退票): importing its return file, correcting the account.

An import is all or nothing. The whole file is read by its layout and every line matched
to exactly one transfer the township paid (a household's net amount in one roll, the line
of the bank file): by the transfer's reference when the bank echoes it, else by account
and amount. A line matching none or several, for another amount, for a payment returned
already, or twice in the file is refused with its line; one refused line refuses the file
and nothing is written. The same file imported again (its SHA-256) is the batch imported
the first time. An accepted file writes, in one transaction, the returns, the fund
ledger's credit entries and the audit events that notify the households.

After township staff correct the account, the next roll pays each returned amount again
as a line of its own (``payments.roll_compute``), once (``transitions.reissue_returns``)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_event, record_events
from yimen.errors import Forbidden, NotFound
from yimen.id_sets import chunks
from yimen.months import month_of

from .. import transitions
from ..errors import (
    ReturnConflict,
    ReturnFileRefused,
    ReturnRefused,
    ReturnRowsRefused,
    RowProblem,
)
from ..models import (
    FundReturnEntry,
    PaymentLine,
    PaymentReturn,
    ReturnBatch,
    ReturnReason,
    ReturnStatus,
)
from ..returns_layouts import ReturnRow, read_return_file
from ..returns_matching import Earlier, NotFoundTexts, match_returns
from .payments import _township
from .return_layouts import layout_for
from .roster import SUBJECT, account_set, beneficiary_for, subject

BATCH_SUBJECT = "benefits.return_batch"
ZERO = Decimal("0")
#: the reference of a transfer in the bank file (exports._bank_rows): township-YYYYMM-household
TRANSFER_REFERENCE = re.compile(r"^(\d{12})-(\d{6})-(\d+)$")


def transfer_reference(division_code: str, month: date, beneficiary_id: int) -> str:
    """The reference the bank file gives one household's transfer of one roll."""
    return f"{division_code}-{month:%Y%m}-{beneficiary_id}"


@dataclass
class Transfer:
    """One household's net payment of one roll: what the bank credited or sent back."""

    roll_id: int
    month: date
    beneficiary_id: int
    assistance_type: str
    amount: Decimal
    account: str
    payee: str
    reference: str

    @property
    def key(self) -> tuple[int, int]:
        """A household's transfer of one roll, however it was found."""
        return (self.roll_id, self.beneficiary_id)


@dataclass(frozen=True)
class ImportResult:
    batch: ReturnBatch
    created: bool  # False: this very file was imported before, nothing was written


def _transfers(township_code: str, rows: list[ReturnRow]) -> list[Transfer]:
    """The transfers of the township's rolls that the rows may name: paid to one of their
    accounts, or to a household their references name (one read per chunk)."""
    accounts = sorted({row.account for row in rows})
    homes = sorted(
        {
            int(m.group(3))
            for row in rows
            if (m := TRANSFER_REFERENCE.match(row.reference)) and m.group(1) == township_code
        }
    )
    lines = PaymentLine.objects.filter(roll__division_id=township_code)
    wanted = [Q(account_number__in=part) for part in chunks(accounts)]
    wanted += [Q(beneficiary_id__in=part) for part in chunks(homes)]
    read: dict[int, dict] = {}  # by line: a line read by two conditions counts once
    for condition in wanted:
        for row in lines.filter(condition).values(
            "pk",
            "roll_id",
            "roll__month",
            "beneficiary_id",
            "assistance_type",
            "amount",
            "account_number",
            "payee_name",
        ):
            read[row["pk"]] = dict(row)
    found: dict[tuple[int, int], Transfer] = {}
    for line in read.values():
        key = (line["roll_id"], line["beneficiary_id"])
        if key not in found:
            found[key] = Transfer(
                roll_id=line["roll_id"],
                month=line["roll__month"],
                beneficiary_id=line["beneficiary_id"],
                assistance_type=line["assistance_type"],
                amount=ZERO,
                account=line["account_number"],
                payee=line["payee_name"],
                reference=transfer_reference(
                    township_code, line["roll__month"], line["beneficiary_id"]
                ),
            )
        found[key].amount += line["amount"]
    return [t for t in found.values() if t.amount > 0]  # a zero net is not in the bank file


#: how a township's import says a row names none of its payments
TOWNSHIP_TEXTS = NotFoundTexts(
    reference=_("No payment of this township has the reference “%(reference)s”."),
    account=_("No payment of this township went to account %(account)s."),
)


def match_rows(
    township_code: str, rows: list[ReturnRow]
) -> tuple[list[tuple[ReturnRow, Transfer]], list[RowProblem]]:
    """Each row's one transfer, or the problems: none, several, another account or amount,
    returned already (by an earlier file) or twice in this file (``match_returns``)."""
    transfers = _transfers(township_code, rows)
    returned = {
        (r["roll_id"], r["beneficiary_id"]): Earlier(
            file=r["batch__file_name"],
            day=f"{timezone.localtime(r['batch__imported_at']):%Y-%m-%d}",
        )
        for r in PaymentReturn.objects.filter(
            roll_id__in={t.roll_id for t in transfers},
            beneficiary_id__in={t.beneficiary_id for t in transfers},
        ).values("roll_id", "beneficiary_id", "batch__file_name", "batch__imported_at")
    }
    return match_returns(rows, transfers, returned, TOWNSHIP_TEXTS)


@transaction.atomic
def returns_import(
    *,
    actor,
    township_code: str,
    file_name: str,
    data: bytes,
    layout_id: int | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import a bank's return file for a township: all of it, or nothing (see above)."""
    if not can(actor, Action.ROSTER_VIEW, township_code):
        raise NotFound(_("No such township."))
    if not can(actor, Action.PAYMENT_PREPARE, township_code):
        raise Forbidden(_("Only the township's payment staff import the bank's return file."))
    township = _township(township_code)
    today = today or timezone.localdate()
    digest = hashlib.sha256(data).hexdigest()
    earlier = ReturnBatch.objects.filter(division=township, file_sha256=digest).first()
    if earlier is not None:
        return ImportResult(earlier, created=False)
    layout = layout_for(township.code, today, layout_id)
    batch = read_match_write(
        data=data,
        file_name=file_name,
        layout=layout,
        match=lambda rows: match_rows(township.code, rows),
        write=lambda matched: _write(actor, township, layout, file_name, digest, matched, today),
    )
    return ImportResult(batch, created=True)


T = TypeVar("T")
M = TypeVar("M")


def read_match_write(
    *,
    data: bytes,
    file_name: str,
    layout,
    match: Callable[[list[ReturnRow]], tuple[list[M], list[RowProblem]]],
    write: Callable[[list[M]], T],
) -> T:
    """The whole-file validation every service's returns import shares: read the file by
    its layout, match every row (``match``), refuse the file with every problem by its
    line — nothing written — or write the matched rows (``write``) in a savepoint, a
    concurrent import of the same payments being a conflict to retry."""
    read = read_return_file(data, file_name, layout)
    matched, problems = match(read.rows)
    if read.problems or problems:
        raise ReturnRowsRefused(read.problems + problems)
    if not matched:
        raise ReturnFileRefused(_("The file lists no returned payment."))
    try:
        with transaction.atomic():
            return write(matched)
    except IntegrityError:
        # another clerk imported this file, or a return of one of its payments, just now
        raise ReturnConflict(
            _("Another import recorded some of these payments at the same moment; import again.")
        ) from None


def _write(actor, township, layout, file_name, digest, matched, today) -> ReturnBatch:
    total = sum((transfer.amount for _, transfer in matched), ZERO)
    month = month_of(today)
    batch = ReturnBatch.objects.create(
        division=township,
        layout=layout,
        file_name=file_name[:200],
        file_sha256=digest,
        month=month,
        returns=len(matched),
        total_amount=total,
        imported_by=actor,
    )
    items = PaymentReturn.objects.bulk_create(
        [
            PaymentReturn(
                batch=batch,
                row_number=row.line,
                roll_id=t.roll_id,
                beneficiary_id=t.beneficiary_id,
                assistance_type=t.assistance_type,
                amount=t.amount,
                account_number=t.account,
                payee_name=t.payee,
                reason=row.reason,
                bank_code=row.bank_code,
                bank_text=row.bank_text,
                returned_on=row.returned_on,
            )
            for row, t in matched
        ]
    )
    homes: dict[tuple[int, str], set[int]] = defaultdict(set)
    money: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        key = (item.roll_id, item.assistance_type)
        homes[key].add(item.beneficiary_id)
        money[key] += item.amount
    FundReturnEntry.objects.bulk_create(
        [
            FundReturnEntry(
                division=township,
                month=month,
                assistance_type=kind,
                households=len(homes[(roll_id, kind)]),
                amount=money[(roll_id, kind)],
                roll_id=roll_id,
                batch=batch,
            )
            for roll_id, kind in sorted(money)
        ]
    )
    months = {t.roll_id: t.month for _, t in matched}
    drafts = [
        EventDraft(
            event_type=EventType.RETURNS_IMPORTED,
            subject_type=BATCH_SUBJECT,
            subject_id=str(batch.pk),
            actor=actor,
            division_code=township.code,
            new={
                "file": batch.file_name,
                "sha256": digest,
                "layout": layout.pk,
                "returns": batch.returns,
                "total": total,
            },
        )
    ]
    drafts += [
        EventDraft(
            event_type=EventType.PAYMENT_RETURNED,
            subject_type=SUBJECT,
            subject_id=str(item.beneficiary_id),
            actor=actor,
            division_code=township.code,
            new={
                "return": item.pk,
                "batch": batch.pk,
                "month": months[item.roll_id],
                "amount": item.amount,
                "account": item.account_number,
                "reason": item.reason,
                "bank_code": item.bank_code,
            },
            reason=item.bank_text or str(ReturnReason(item.reason).label),
        )
        for item in items
    ]
    record_events(drafts)
    return batch


@transaction.atomic
def return_account_correct(
    *,
    actor,
    beneficiary_id: int,
    payee_name: str,
    bank_name: str,
    number: str,
    reason: str,
) -> list[PaymentReturn]:
    """Record the corrected account of a household whose payment came back: the returns
    awaiting it move to "corrected" and the next roll pays them again. Refused when the
    household has none, without a reason, or with the closed account it had."""
    beneficiary = beneficiary_for(actor, beneficiary_id, Action.PAYMENT_PREPARE)
    waiting = list(
        PaymentReturn.objects.select_for_update()
        .filter(beneficiary=beneficiary, status=ReturnStatus.RETURNED)
        .order_by("pk")
    )
    if not waiting:
        raise ReturnRefused(
            _("This household has no returned payment waiting for a corrected account.")
        )
    reason = reason.strip()
    if not reason or len(reason) > 2000:
        raise ReturnRefused(_("Say how the account was corrected (who confirmed it, when)."))
    digits = "".join(number.split())
    closed = {r.account_number for r in waiting if r.reason == ReturnReason.ACCOUNT_CLOSED}
    if digits in closed:
        raise ReturnRefused(
            _("This account was closed: the bank returned a payment to it. Give the new account.")
        )
    corrected = account_set(
        actor=actor,
        beneficiary_id=beneficiary.pk,
        payee_name=payee_name,
        bank_name=bank_name,
        number=number,
    )
    ids = [r.pk for r in waiting]
    moved = transitions.correct_returns(ids, corrected_by=actor, corrected_at=timezone.now())
    if moved != len(ids):
        raise ReturnConflict(_("Someone corrected this account at the same moment."))
    record_event(
        event_type=EventType.RETURN_ACCOUNT_CORRECTED,
        subject=subject(beneficiary),
        actor=actor,
        division_code=beneficiary.division_id,
        old={"account": [r.account_number for r in waiting]},
        new={"returns": ids, "account": corrected.account_number, "payee": corrected.payee_name},
        reason=reason,
    )
    return list(PaymentReturn.objects.filter(pk__in=ids).order_by("pk"))
