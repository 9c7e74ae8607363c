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
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import YimenError

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
        kind = MessageKind(body["kind"])
        message_id = request.headers[p.H_MESSAGE_ID]
        if body.get("message_id") != message_id or not body.get("transfer_id"):
            raise ValueError("message id or transfer number missing")
    except (ValueError, KeyError, TypeError) as exc:
        return _refuse(config, request, "malformed", str(exc), status=400)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    entry = InboxMessage.objects.create(
                        peer=peer, message_id=message_id, kind=kind, transfer_id=body["transfer_id"]
                    )
            except IntegrityError:
                InboxMessage.objects.filter(peer=peer, message_id=message_id).update(
                    duplicates=F("duplicates") + 1
                )
                duplicate = True
            else:
                duplicate = False
                outcome = HANDLERS[kind](peer=peer, body=body)
                entry.outcome = outcome
                entry.save(update_fields=["outcome"])
    except YimenError as exc:
        log.info("medins message %s from %s not applied: %s", message_id, peer, exc.render("en"))
        return _answer(config, request, 409, {"status": "error", "code": exc.code})
    except ObjectDoesNotExist:
        # no such transfer from this peer (yet): the sender keeps retrying, reconcile shows it
        return _answer(config, request, 409, {"status": "error", "code": "unknown_transfer"})
    except (KeyError, ValueError, TypeError) as exc:
        # signed by a trusted peer but not a message we understand: refuse it, log it, and
        # leave nothing behind (the inbox row rolled back with the rest)
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
