"""The incoming node (转入地): take the application, receive the 信息表 or the refusal,
credit the balance, merge the months, apply the continuity rules and confirm."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import bindings_of, can
from yimen.audit.events import EventType
from yimen.errors import Conflict, Forbidden, Invalid, YimenError
from yimen.money import format_fen
from yimen.people import parse_id_number
from yimen.regions.codes import parent_code
from yimen.regions.models import Division
from yimen.workflow.calendar import add_working_days, local_date

from .. import protocol as p
from ..alerts import alert_staff
from ..errors import FormOfAnotherTransfer
from ..ledger import account_post
from ..models import (
    OPEN_STATUSES,
    ContributionMonth,
    ContributionOrigin,
    EntryKind,
    InsuranceType,
    InsuredPerson,
    InsuredStatus,
    MessageKind,
    Side,
    Transfer,
    TransferStatus,
)
from ..node import require_node
from ..peers import require_not_held
from ..queue import enqueue
from ..rules import continuity
from ..transitions import initial_status, move, step
from .common import actor_label, audit, require_staff

INCOMING_DAYS = 5  # working days to sync the 信息表 (医保办发〔2021〕43号)
OUTGOING_DAYS = 10  # the outgoing side's limit, watched from here


# how the application came in, as the steps say it (the stored channel is a code)
CHANNEL_TEXT = {
    "counter": {"zh": "窗口受理", "en": "at the counter"},
    "online": {"zh": "网上申请", "en": "online"},
}


def is_applicant(user) -> bool:
    return any(b.role == Role.APPLICANT for b in bindings_of(user))


def _check(data: dict[str, Any]) -> dict[str, list[str]]:
    config = require_node()
    errors: dict[str, list[str]] = {}
    try:
        parse_id_number(data.get("id_number", ""))
    except YimenError as exc:
        errors["id_number"] = [exc.render()]
    name = (data.get("name") or "").strip()
    if not name or len(name) > 50:
        errors["name"] = [gettext("Enter the name (at most 50 characters).")]
    if data.get("insurance_type") not in InsuranceType.values:
        errors["insurance_type"] = [gettext("Choose the insurance type.")]
    src = data.get("from_division") or ""
    if config.peer_for_province(src) is None or len(src) != 12 or not src.isdigit():
        errors["from_division"] = [
            gettext("The outgoing pooling region must be in a province whose node we trust.")
        ]
    dst = data.get("to_division") or ""
    if dst[:2] != config.province[:2] or not Division.objects.filter(code=dst).exists():
        errors["to_division"] = [gettext("The incoming pooling region must be in this province.")]
    return errors


def transfer_apply(*, actor: Any, data: dict[str, Any]) -> Transfer:
    """Apply for a transfer into this node (counter staff or the applicant online)."""
    config = require_node()
    require_not_held()
    errors = _check(data)
    if errors:
        raise Invalid(_("The application has errors; nothing was saved."), fields=errors)
    id_number = parse_id_number(data["id_number"]).number
    to_division = data["to_division"]
    staff = can(actor, Action.MEDINS_HANDLE, to_division)
    if not staff and not is_applicant(actor):
        raise Forbidden(_("Only insurance staff of this region or the applicant may apply."))
    peer = config.peer_for_province(data["from_division"])
    assert peer is not None
    with transaction.atomic():
        person = _locked_person(id_number, data, to_division)
        if person.name != data["name"].strip():
            raise Invalid(
                _("The name does not match the person insured here with this ID number."),
                fields={"name": [gettext("The name does not match our records.")]},
            )
        if Transfer.objects.filter(
            id_number=id_number, side=Side.INCOMING, status__in=OPEN_STATUSES
        ).exists():
            raise Conflict(_("A transfer for this person is already in progress."))
        now = timezone.now()
        transfer = Transfer.objects.create(
            transfer_id=f"{config.node_id}-{now:%Y%m%d}-{uuid.uuid4().hex[:12]}",
            side=Side.INCOMING,
            peer=peer.node_id,
            person=person,
            id_number=id_number,
            name=person.name,
            insurance_type=data["insurance_type"],
            from_division=data["from_division"],
            to_division=to_division,
            status=initial_status(Side.INCOMING),
            applied_at=now,
            channel="counter" if staff else "online",
            applicant_user=None if staff else actor,
            phone=(data.get("phone") or "")[:20],
            due_on=add_working_days(local_date(now), OUTGOING_DAYS),
        )
        step(
            transfer,
            "applied",
            _("Application received (%(channel)s); request sent to node %(peer)s."),
            actor=actor_label(actor),
            channel=CHANNEL_TEXT[transfer.channel],  # a label in each language, not the code
            peer=peer.node_id,
        )
        enqueue(
            peer=peer.node_id,
            kind=MessageKind.REQUEST,
            transfer_id=transfer.transfer_id,
            body={
                "id_number": id_number,
                "name": transfer.name,
                "insurance_type": transfer.insurance_type,
                "from_division": transfer.from_division,
                "to_division": transfer.to_division,
                "applied_at": now.isoformat(),
                "channel": transfer.channel,
            },
        )
        audit(transfer, EventType.MEDINS_TRANSFER_APPLIED, actor=actor)
    return transfer


def _locked_person(id_number: str, data: dict[str, Any], to_division: str) -> InsuredPerson:
    """The person with this ID number, row-locked; enrolled here first if not yet known.

    A person not yet known has no row to lock: two applications at once would both insert
    one and the second fail on the unique ID number. The insert runs in a savepoint; the
    loser of that race (PostgreSQL lets its insert wait until the winner commits) locks the
    winner's row instead, and then sees the winner's transfer in progress (a Conflict)."""
    person = InsuredPerson.objects.select_for_update().filter(id_number=id_number).first()
    if person is not None:
        return person
    try:
        with transaction.atomic():  # enrolment at the incoming node (转入地参保)
            return InsuredPerson.objects.create(
                id_number=id_number,
                name=data["name"].strip(),
                insured_division_id=to_division,
                insurance_type=data["insurance_type"],
                status=InsuredStatus.CONTRIBUTING,
            )
    except IntegrityError:
        return InsuredPerson.objects.select_for_update().get(id_number=id_number)


def _locked(body: dict[str, Any], peer: str) -> Transfer:
    return Transfer.objects.select_for_update().get(
        transfer_id=body["transfer_id"], side=Side.INCOMING, peer=peer
    )


def on_info(*, peer: str, body: dict[str, Any]) -> str:
    """The 信息表 arrived: check the seal, keep it, and on auto nodes complete at once."""
    config = require_node()
    transfer = _locked(body, peer)
    if transfer.status != TransferStatus.REQUESTED:
        return "known"
    info = body["info"]
    if not config.peers[peer].verify(p.unb64(body["seal"]), p.seal_input(info)):
        raise Invalid(_("The electronic seal on the information form is not valid."))
    if info.get("id_number") != transfer.id_number:
        raise Invalid(_("The information form is about another person."))
    # A genuine seal proves who issued the form, not for which transfer: a form kept from an
    # earlier, completed transfer of the same person would credit the balance twice.
    if info.get("transfer_id") != transfer.transfer_id:
        raise FormOfAnotherTransfer(
            form_transfer=str(info.get("transfer_id"))[:80], transfer=transfer.transfer_id
        )
    move(transfer, TransferStatus.INFO_RECEIVED)
    transfer.info = info
    transfer.info_seal = body["seal"]
    transfer.balance_fen = int(info["balance_fen"])
    transfer.due_on = add_working_days(local_date(timezone.now()), INCOMING_DAYS)
    transfer.save()
    step(
        transfer,
        "info_received",
        _("Information form received from node %(peer)s (seal verified)."),
        peer=peer,
    )
    if config.auto_process:
        transfer_in_complete(transfer_pk=transfer.pk, actor=None)
        return "completed"
    return "info_received"


def _division_for(code: str, fallback: str) -> str:
    """The nearest division we know (a node may not hold the other province's tree)."""
    while code:
        if Division.objects.filter(code=code).exists():
            return code
        code = parent_code(code) or ""
    return fallback


def _cover_start(person: InsuredPerson, last_transferred: date | None) -> date:
    local = ContributionMonth.objects.filter(person=person, origin=ContributionOrigin.LOCAL)
    if last_transferred:
        local = local.filter(month__gt=last_transferred)
    first = local.order_by("month").values_list("month", flat=True).first()
    return first or local_date(timezone.now()).replace(day=1)


def transfer_in_complete(*, transfer_pk: int, actor: Any) -> Transfer:
    """Credit the balance, merge the months, decide continuity, confirm to the peer."""
    config = require_node()
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer_pk, side=Side.INCOMING)
        require_staff(actor, transfer.to_division)
        if transfer.status != TransferStatus.INFO_RECEIVED:
            return transfer
        require_not_held()
        assert transfer.person_id is not None  # set when the application was made
        person = InsuredPerson.objects.select_for_update().get(pk=transfer.person_id)
        info = transfer.info or {}
        balance = int(transfer.balance_fen or 0)
        if balance > 0:
            account_post(
                person,
                balance,
                EntryKind.TRANSFER_IN,
                transfer.transfer_id,
                memo=f"自 {transfer.peer} 转入",
            )
        months = []
        for row in info.get("months", []):
            month = date.fromisoformat(row["month"])
            months.append(month)
            ContributionMonth.objects.get_or_create(
                person=person,
                month=month,
                division_id=_division_for(row["division"], transfer.to_division),
                defaults={
                    "employer_name": row.get("employer_name", "")[:200],
                    "employer_code": row.get("employer_code", "")[:32],
                    "amount_fen": int(row.get("amount_fen", 0)),
                    "origin": ContributionOrigin.TRANSFERRED,
                },
            )
        transfer.continuity = continuity(
            transferred=months,
            start=_cover_start(person, max(months) if months else None),
            type_before=info.get("insurance_type", transfer.insurance_type),
            type_after=transfer.insurance_type,
            waiting_period_months=config.waiting_period_months,
        )
        move(transfer, TransferStatus.COMPLETED)
        transfer.save()
        step(
            transfer,
            "completed",
            _("%(yuan)s yuan credited, %(months)d month(s) merged; continuity: %(rule)s."),
            actor=actor_label(actor),
            yuan=format_fen(balance, grouped=False),
            months=len(months),
            rule=transfer.continuity["reasons"][0]["zh"],
        )
        enqueue(
            peer=transfer.peer,
            kind=MessageKind.CONFIRM,
            transfer_id=transfer.transfer_id,
            body={"credited_fen": balance, "months": len(months)},
        )
        audit(transfer, EventType.MEDINS_TRANSFERRED_IN, actor=actor, new={"balance_fen": balance})
        return transfer


def on_refusal(*, peer: str, body: dict[str, Any]) -> str:
    """The outgoing node refused: keep its reasons; nothing was moved."""
    transfer = _locked(body, peer)
    if transfer.status in (TransferStatus.INFO_RECEIVED, TransferStatus.COMPLETED):
        # The peer refuses what we hold a sealed form for (or have credited): the two sides
        # disagree about money. Not "known" — it is kept on the transfer, audited and shown
        # to the staff of the region, and reconciliation lists it.
        _record_contradicting_refusal(transfer, peer, body)
        return "contradicted"
    if transfer.status != TransferStatus.REQUESTED:
        return "known"
    move(transfer, TransferStatus.REFUSED)
    transfer.reasons = list(body.get("reasons", []))
    transfer.save()
    step(
        transfer,
        "refused",
        _("The outgoing node refused: %(reasons)s"),
        reasons={
            "zh": "；".join(str(r.get("zh", r.get("code", ""))) for r in transfer.reasons),
            "en": "; ".join(str(r.get("en", r.get("code", ""))) for r in transfer.reasons),
        },
    )
    audit(transfer, EventType.MEDINS_TRANSFER_REFUSED, new={"reasons": transfer.reasons})
    return "refused"


def _record_contradicting_refusal(transfer: Transfer, peer: str, body: dict[str, Any]) -> None:
    reasons = list(body.get("reasons", []))[:20]
    step(
        transfer,
        "peer_contradicts",
        _(
            "Node %(peer)s refused this transfer after its information form was received "
            "here; the two sides disagree — reconcile before anything else is done."
        ),
        peer=peer,
    )
    audit(
        transfer,
        EventType.MEDINS_TRANSFER_CONTRADICTED,
        new={"peer": peer, "status": transfer.status, "reasons": reasons},
    )
    alert_staff(
        division=transfer.to_division,
        message=gettext(
            "Insurance transfer %(transfer)s: node %(peer)s refused it after its form was "
            "received here. Reconcile the two nodes."
        )
        % {"transfer": transfer.transfer_id, "peer": peer},
    )
