"""Receiving: the door every peer message comes through.

Order of checks: a known sender, addressed to us, inside the timestamp window, with a good
signature — each failure answered 401 and logged (``RejectedMessage`` and the audit log).
Then the message id is claimed in the inbox *in the same transaction* as its effect, so a
duplicate (a retry after a lost answer, or a replay inside the window) changes nothing and is
answered "duplicate". Handler errors roll the whole thing back and answer 409, and the
sender retries."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import YimenError

from . import peers, queue
from . import protocol as p
from .models import InboxMessage, MessageKind, RejectedMessage
from .node import NodeConfig, node_config
from .services import incoming, outgoing

log = logging.getLogger("yimen.medins.inbound")

HANDLERS = {
    MessageKind.REQUEST: outgoing.on_request,
    MessageKind.INFO: incoming.on_info,
    MessageKind.REFUSAL: incoming.on_refusal,
    MessageKind.CONFIRM: outgoing.on_confirm,
    MessageKind.REPORT: peers.on_report,
}


def _answer(
    config: NodeConfig | None, request: HttpRequest, status: int, data: dict
) -> HttpResponse:
    body = p.canonical(data)
    response = HttpResponse(body, status=status, content_type="application/json")
    sender = request.headers.get(p.H_SENDER, "")
    message_id = request.headers.get(p.H_MESSAGE_ID, "")
    if config is not None:
        response[p.H_SIGNATURE] = p.b64(
            config.sign(
                p.response_signing_input(
                    responder=config.node_id,
                    recipient=sender,
                    message_id=message_id,
                    status=status,
                    body=body,
                )
            )
        )
    return response


def _refuse(config, request, reason: str, detail: str, status: int = 401) -> HttpResponse:
    sender = request.headers.get(p.H_SENDER, "")[:80]
    message_id = request.headers.get(p.H_MESSAGE_ID, "")[:80]
    with transaction.atomic():
        rejected = RejectedMessage.objects.create(
            claimed_peer=sender,
            message_id=message_id,
            reason=reason,
            detail=detail[:300],
            remote_addr=(request.META.get("REMOTE_ADDR") or "")[:64],
        )
        record_event(
            event_type=EventType.MEDINS_MESSAGE_REFUSED,
            subject=rejected,
            new={"reason": reason, "sender": sender, "message_id": message_id},
            reason=detail[:300],
        )
    log.warning("medins message refused (%s) from %r: %s", reason, sender, detail)
    return _answer(config, request, status, {"status": "refused", "reason": reason})


def _authenticate(config: NodeConfig, request: HttpRequest) -> str | tuple[str, str]:
    """The peer id, or (reason, detail) when the message must be refused."""
    h = request.headers
    sender, recipient = h.get(p.H_SENDER, ""), h.get(p.H_RECIPIENT, "")
    stamp, message_id, signature = (
        h.get(p.H_TIMESTAMP, ""),
        h.get(p.H_MESSAGE_ID, ""),
        h.get(p.H_SIGNATURE, ""),
    )
    if not (sender and recipient and stamp and message_id and signature):
        return "malformed", "signature headers missing"
    peer = config.peers.get(sender)
    if peer is None:
        return "unknown_peer", f"node {sender!r} is not a trusted peer"
    if recipient != config.node_id:
        return "wrong_recipient", f"addressed to {recipient!r}"
    # Seconds since the epoch fit in 12 digits for the next 30,000 years; a longer stamp
    # would overflow the float subtraction (OverflowError, a 500) instead of being refused.
    if not (stamp.isascii() and stamp.lstrip("-").isdigit() and len(stamp) <= 12):
        return "malformed", f"timestamp is not a number of seconds: {stamp[:40]!r}"
    age = abs(time.time() - int(stamp))
    if age > config.window_seconds:
        return "stale", f"timestamp {stamp} is {age:.0f} s away (window {config.window_seconds} s)"
    try:
        good = peer.verify(
            p.unb64(signature),
            p.request_signing_input(
                sender=sender,
                recipient=recipient,
                timestamp=stamp,
                message_id=message_id,
                body=request.body,
            ),
        )
    except ValueError:
        good = False
    if not good:
        return "bad_signature", "signature does not verify with the peer's public key"
    return sender


# Sequence numbers and amounts live in bigint columns; anything beyond is no real number.
MAX_NUMBER = 2**62
# How deep a message may nest: the deepest real one (a report's transfers) is 4 levels.
MAX_DEPTH = 16
# The text fields of a transfer request and the column width they are stored in.
REQUEST_TEXT = {
    "id_number": 18,
    "name": 50,
    "insurance_type": 10,
    "from_division": 12,
    "to_division": 12,
}


def _number(body: dict[str, Any], key: str, *, least: int, required: bool = False) -> None:
    if key not in body and not required:
        return
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value < MAX_NUMBER:
        raise ValueError(f"{key} is no whole number from {least} to 2**62")


def _text(body: dict[str, Any], key: str, *, longest: int, required: bool = True) -> None:
    if key not in body and not required:
        return
    value = body.get(key)
    if not isinstance(value, str) or len(value) > longest or (required and not value.strip()):
        raise ValueError(f"{key} is no text of at most {longest} characters")


def _plain(value: Any, depth: int = 0) -> None:
    """No NUL character anywhere (PostgreSQL cannot store one in text or jsonb) and no
    nesting deeper than any real message."""
    if depth > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character in the message")
    elif isinstance(value, dict):
        for key, item in value.items():
            _plain(key, depth + 1)
            _plain(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _plain(item, depth + 1)
    elif _is_number(value) and not -MAX_NUMBER < value < MAX_NUMBER:
        # also NaN and Infinity, which Python's json module reads
        raise ValueError("number out of range")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_envelope(kind: MessageKind, body: dict[str, Any]) -> None:
    """Refuse (ValueError) a message whose fields a handler could not store or read: wrong
    types, numbers beyond the database's bigint, text longer than its column, NUL, deep
    nesting. A trusted peer's signature proves who sent it, not that it is well formed."""
    _plain(body)
    _number(body, "seq", least=1)
    _number(body, "ack", least=0)
    if kind == MessageKind.REPORT:
        if not isinstance(body.get("report"), dict):
            raise ValueError("report missing")
        return
    _text(body, "transfer_id", longest=40)
    if kind == MessageKind.REQUEST:
        for key, longest in REQUEST_TEXT.items():
            _text(body, key, longest=longest)
        _text(body, "applied_at", longest=40)
        try:
            applied_at = parse_datetime(body["applied_at"])
        except ValueError:
            applied_at = None
        if applied_at is None or applied_at.tzinfo is None:
            raise ValueError("applied_at is no date and time with its offset")
        _text(body, "channel", longest=10, required=False)
    elif kind == MessageKind.CONFIRM:
        _number(body, "credited_fen", least=0)
    elif kind == MessageKind.INFO:
        info = body.get("info")
        if not isinstance(info, dict):
            raise ValueError("information form missing")
        _text(body, "seal", longest=128)
        _number(info, "balance_fen", least=0, required=False)
    elif kind == MessageKind.REFUSAL:
        reasons = body.get("reasons", [])
        if not isinstance(reasons, list) or len(reasons) > 50:
            raise ValueError("reasons are no list")
        if not all(isinstance(r, dict) for r in reasons):
            raise ValueError("a reason is no object")


@csrf_exempt
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    """POST /api/medins/node/messages — one signed message from a peer node."""
    config = node_config()
    if config is None:
        return _answer(None, request, 404, {"status": "not_a_node"})
    who = _authenticate(config, request)
    if isinstance(who, tuple):
        return _refuse(config, request, *who)
    peer = who
    try:
        body: dict[str, Any] = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("the message is no JSON object")
        kind = MessageKind(body["kind"])
        message_id = request.headers[p.H_MESSAGE_ID]
        if body.get("message_id") != message_id:
            raise ValueError("message id missing")
        check_envelope(kind, body)
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        return _refuse(config, request, "malformed", str(exc)[:200], status=400)
    if kind != MessageKind.REPORT and peers.held() is not None:
        # held for reconciliation: the peer keeps the message and retries after the release
        return _answer(config, request, 503, {"status": "held"})
    problem = peers.check_sequence(peer=peer, body=body, message_id=message_id)
    if problem == "restored":
        return _answer(config, request, 503, {"status": "held"})
    if problem:
        return _refuse(
            config, request, problem, f"sequence number {body.get('seq')} seen before", status=409
        )
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entry = InboxMessage.objects.create(
                        peer=peer,
                        message_id=message_id,
                        kind=kind,
                        transfer_id=str(body.get("transfer_id") or "")[:40],
                        seq=queue.sequence_number(body.get("seq")),
                    )
            except IntegrityError:
                InboxMessage.objects.filter(peer=peer, message_id=message_id).update(
                    duplicates=F("duplicates") + 1
                )
                duplicate = True
            else:
                duplicate = False
                peers.note_received(peer=peer, seq=queue.sequence_number(body.get("seq")))
                outcome = HANDLERS[kind](peer=peer, body=body)
                entry.outcome = outcome
                entry.save(update_fields=["outcome"])
    except YimenError as exc:
        log.info("medins message %s from %s not applied: %s", message_id, peer, exc.render("en"))
        return _answer(config, request, 409, {"status": "error", "code": exc.code})
    except ObjectDoesNotExist:
        # no such transfer from this peer (yet): the sender keeps retrying, reconcile shows it
        return _answer(config, request, 409, {"status": "error", "code": "unknown_transfer"})
    except (
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        OverflowError,
        DjangoValidationError,
        DataError,
    ) as exc:
        # signed by a trusted peer but not a message we understand (check_envelope missed
        # something deeper in it, or a value the database cannot hold): refuse it, log it,
        # and leave nothing behind (the inbox row rolled back with the rest)
        return _refuse(config, request, "malformed", f"{type(exc).__name__}: {exc}", status=400)
    if duplicate:
        _refuse_duplicate(config, request, peer, message_id)
        return _answer(config, request, 200, {"status": "duplicate"})
    return _answer(config, request, 200, {"status": "accepted", "outcome": outcome})


def _refuse_duplicate(config, request, peer: str, message_id: str) -> None:
    """Log a repeat delivery (a retry or a replay inside the window): it changed nothing."""
    RejectedMessage.objects.create(
        claimed_peer=peer,
        message_id=message_id,
        reason="duplicate",
        detail="message id already processed; not applied again",
        remote_addr=(request.META.get("REMOTE_ADDR") or "")[:64],
    )
