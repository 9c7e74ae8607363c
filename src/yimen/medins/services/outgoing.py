"""The outgoing node (转出地): receive a request, check it, then refuse with reasons or send
the 信息表 and debit the account — in one transaction with the outbox message."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.errors import Invalid
from yimen.money import format_fen
from yimen.workflow.calendar import add_working_days, local_date

from .. import protocol as p
from ..ledger import account_balance, account_post
from ..models import (
    ContributionMonth,
    EntryKind,
    InsuredPerson,
    MessageKind,
    Side,
    Transfer,
    TransferStatus,
)
from ..node import require_node
from ..peers import require_not_held
from ..queue import enqueue
from ..rules import OutgoingFacts, transfer_out_refusals
from ..transitions import initial_status, move, step
from .common import actor_label, audit, require_staff

OUTGOING_DAYS = 10  # working days (医保办发〔2021〕43号)


def on_request(*, peer: str, body: dict[str, Any]) -> str:
    """A transfer request arrived; record it once and, on auto nodes, process it at once."""
    existing = Transfer.objects.filter(transfer_id=body["transfer_id"], side=Side.OUTGOING)
    if existing.exists():
        return "known"
    transfer = Transfer.objects.create(
        transfer_id=body["transfer_id"],
        side=Side.OUTGOING,
        peer=peer,
        id_number=body["id_number"],
        name=body["name"],
        insurance_type=body["insurance_type"],
        from_division=body["from_division"],
        to_division=body["to_division"],
        status=initial_status(Side.OUTGOING),
        applied_at=body["applied_at"],
        channel=body.get("channel", ""),
        due_on=add_working_days(local_date(timezone.now()), OUTGOING_DAYS),
    )
    step(transfer, "received", _("Transfer request received from node %(peer)s."), peer=peer)
    audit(transfer, EventType.MEDINS_TRANSFER_RECEIVED)
    if require_node().auto_process:
        transfer_out_process(transfer_pk=transfer.pk, actor=None)
        return "processed"
    return "received"


def _facts(transfer: Transfer, person: InsuredPerson | None) -> OutgoingFacts:
    if person is None:
        return OutgoingFacts(found=False)
    other = (
        Transfer.objects.filter(person=person, side=Side.OUTGOING)
        .exclude(pk=transfer.pk)
        .exclude(status=TransferStatus.REFUSED)
        .values_list("transfer_id", flat=True)
        .first()
    )
    return OutgoingFacts(
        found=True,
        name_matches=person.name.strip() == transfer.name.strip(),
        status=person.status,
        region_matches=person.insured_division_id[:4] == transfer.from_division[:4],
        other_transfer=other or "",
    )


def _info_table(transfer: Transfer, person: InsuredPerson, balance: int) -> dict[str, Any]:
    """The 参保人员基本医疗保险信息表 as data: who, where, every month, the balance."""
    months = ContributionMonth.objects.filter(person=person).order_by("month", "division_id")
    return {
        "form": "参保人员基本医疗保险信息表",
        "transfer_id": transfer.transfer_id,
        "id_number": person.id_number,
        "name": person.name,
        "insurance_type": person.insurance_type,
        "insured_division": person.insured_division_id,
        "months": [
            {
                "month": m.month.isoformat(),
                "division": m.division_id,
                "employer_name": m.employer_name,
                "employer_code": m.employer_code,
                "amount_fen": m.amount_fen,
            }
            for m in months
        ],
        "balance_fen": balance,
        "issued_on": local_date(timezone.now()).isoformat(),
    }


def transfer_out_process(*, transfer_pk: int, actor: Any) -> Transfer:
    """Check the preconditions and either refuse or send the 信息表 and debit the account."""
    config = require_node()
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer_pk, side=Side.OUTGOING)
        require_staff(actor, transfer.from_division)
        if transfer.status != TransferStatus.RECEIVED:
            return transfer
        require_not_held()
        person = (
            InsuredPerson.objects.select_for_update().filter(id_number=transfer.id_number).first()
        )
        refusals = transfer_out_refusals(_facts(transfer, person))
        by = actor_label(actor)
        if refusals:
            move(transfer, TransferStatus.REFUSED)
            transfer.reasons = refusals
            transfer.person = person
            transfer.save()
            step(
                transfer,
                "refused",
                _("Refused: %(reasons)s"),
                actor=by,
                reasons={
                    "zh": "；".join(r["zh"] for r in refusals),
                    "en": "; ".join(r["en"] for r in refusals),
                },
            )
            enqueue(
                peer=transfer.peer,
                kind=MessageKind.REFUSAL,
                transfer_id=transfer.transfer_id,
                body={"reasons": refusals},
            )
            audit(
                transfer, EventType.MEDINS_TRANSFER_REFUSED, actor=actor, new={"reasons": refusals}
            )
            return transfer
        assert person is not None
        balance = account_balance(person)
        if balance > 0:
            account_post(
                person,
                -balance,
                EntryKind.TRANSFER_OUT,
                transfer.transfer_id,
                memo=f"转出至 {transfer.peer}",
            )
        info = _info_table(transfer, person, balance)
        seal = p.b64(config.sign(p.seal_input(info)))
        move(transfer, TransferStatus.INFO_SENT)
        transfer.person = person
        transfer.info = info
        transfer.info_seal = seal
        transfer.balance_fen = balance
        transfer.save()
        step(
            transfer,
            "info_sent",
            _(
                "Information form issued with %(months)d month(s); %(yuan)s yuan debited from "
                "the personal account and sent."
            ),
            actor=by,
            months=len(info["months"]),
            yuan=format_fen(balance, grouped=False),
        )
        enqueue(
            peer=transfer.peer,
            kind=MessageKind.INFO,
            transfer_id=transfer.transfer_id,
            body={"info": info, "seal": seal},
        )
        audit(transfer, EventType.MEDINS_TRANSFERRED_OUT, actor=actor, new={"balance_fen": balance})
        return transfer


def transfer_out_refuse(*, transfer_pk: int, actor: Any, reason_text: str) -> Transfer:
    """Staff at a manual node refuse a request with their own reason; nothing is moved."""
    text = (reason_text or "").strip()
    if not text or len(text) > 300:
        raise Invalid(
            _("Give the reason for the refusal (at most 300 characters)."),
            fields={"reason": [str(_("This is required."))]},
        )
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer_pk, side=Side.OUTGOING)
        require_staff(actor, transfer.from_division)
        move(transfer, TransferStatus.REFUSED)
        refusals = [{"code": "staff_refusal", "zh": text, "en": text}]
        transfer.reasons = refusals
        transfer.save()
        step(transfer, "refused", _("Refused: %(reasons)s"), actor=actor_label(actor), reasons=text)
        enqueue(
            peer=transfer.peer,
            kind=MessageKind.REFUSAL,
            transfer_id=transfer.transfer_id,
            body={"reasons": refusals},
        )
        audit(transfer, EventType.MEDINS_TRANSFER_REFUSED, actor=actor, reason=text)
        return transfer


def on_confirm(*, peer: str, body: dict[str, Any]) -> str:
    """The incoming node credited the balance: close our side, noting any difference."""
    transfer = Transfer.objects.select_for_update().get(
        transfer_id=body["transfer_id"], side=Side.OUTGOING, peer=peer
    )
    if transfer.status != TransferStatus.INFO_SENT:
        return "known"
    move(transfer, TransferStatus.CONFIRMED)
    transfer.peer_credited_fen = int(body.get("credited_fen", 0))
    transfer.save()
    step(
        transfer,
        "confirmed",
        _("The incoming node confirmed: %(yuan)s yuan credited, months merged."),
        yuan=format_fen(transfer.peer_credited_fen, grouped=False),
    )
    audit(
        transfer, EventType.MEDINS_TRANSFER_CONFIRMED, new={"credited": transfer.peer_credited_fen}
    )
    return "confirmed"
