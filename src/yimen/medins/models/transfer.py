"""The transfer of an insurance relationship between two nodes, and the messages carrying it.

Both nodes keep a ``Transfer`` row under the same ``transfer_id`` (made by the incoming node),
each with its own side. Messages leave only through ``OutboxMessage`` rows written in the
same transaction as the state change they announce, and arrive through ``InboxMessage`` rows
that make a repeated delivery a no-op: that pair, with the ledger's (kind, reference)
uniqueness, is what moves the balance exactly once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .insured import InsuranceType, InsuredPerson


class Side(models.TextChoices):
    """Which end of the transfer this node is."""

    INCOMING = "incoming", _("Incoming (转入地)")
    OUTGOING = "outgoing", _("Outgoing (转出地)")


class TransferStatus(models.TextChoices):
    """Where a transfer stands; assigned only in ``medins.transitions``."""

    # incoming side
    REQUESTED = "requested", _("Requested from the outgoing node")  # request in the outbox
    INFO_RECEIVED = "info_received", _("Information form received")  # waiting for staff
    COMPLETED = "completed", _("Completed")  # balance credited, months merged, confirmed
    # outgoing side
    RECEIVED = "received", _("Request received")  # preconditions not yet checked
    INFO_SENT = "info_sent", _("Information form sent, account debited")
    CONFIRMED = "confirmed", _("Confirmed by the incoming node")
    # both sides
    REFUSED = "refused", _("Refused")  # reasons recorded; no money moved


OPEN_STATUSES = (
    TransferStatus.REQUESTED,
    TransferStatus.INFO_RECEIVED,
    TransferStatus.RECEIVED,
    TransferStatus.INFO_SENT,
)


class Transfer(models.Model):
    """One transfer as seen by this node (one side of it)."""

    transfer_id = models.CharField(_("transfer number"), max_length=40)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    peer = models.CharField(_("other node"), max_length=40)
    person = models.ForeignKey(
        InsuredPerson,
        verbose_name=_("insured person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    insurance_type = models.CharField(
        _("insurance type"), max_length=10, choices=InsuranceType.choices
    )
    from_division = models.CharField(_("outgoing pooling region"), max_length=12)
    to_division = models.CharField(_("incoming pooling region"), max_length=12)
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices)
    applied_at = models.DateTimeField(_("applied at"))
    channel = models.CharField(_("channel"), max_length=10, blank=True)  # counter / online
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    info = models.JSONField(_("information form"), null=True, blank=True)
    info_seal = models.CharField(_("electronic seal"), max_length=128, blank=True)
    balance_fen = models.BigIntegerField(_("balance moved (fen)"), null=True, blank=True)
    peer_credited_fen = models.BigIntegerField(
        _("credited at the incoming node (fen)"), null=True, blank=True
    )
    reasons = models.JSONField(_("refusal reasons"), default=list, blank=True)
    continuity = models.JSONField(_("continuity"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("insurance transfer")
        verbose_name_plural = _("insurance transfers")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["transfer_id", "side"], name="medins_transfer_once")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="medins_transfer_due")]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.side} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TransferStep(models.Model):
    """One visible step of a transfer, shown to staff and the applicant in order."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="steps", verbose_name=_("transfer")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    code = models.CharField(_("step"), max_length=40)
    text_zh = models.CharField(_("text (Chinese)"), max_length=500)
    text_en = models.CharField(_("text (English)"), max_length=500)
    actor = models.CharField(_("by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("transfer step")
        verbose_name_plural = _("transfer steps")
        ordering = ["transfer", "at", "id"]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.code}"


class MessageKind(models.TextChoices):
    REQUEST = "transfer.request", _("Transfer request")
    INFO = "transfer.info", _("Information form")
    REFUSAL = "transfer.refusal", _("Refusal")
    CONFIRM = "transfer.confirm", _("Confirmation")
    REPORT = "node.report", _("Reconciliation report")


class OutboxMessage(models.Model):
    """A message to a peer, written with the change it announces and sent until delivered.

    ``message_id`` is the idempotency key; every attempt is signed afresh with its own
    timestamp, so a retry hours later still falls inside the receiver's window."""

    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    peer = models.CharField(_("peer"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    transfer_id = models.CharField(_("transfer number"), max_length=40, db_index=True)
    body = models.JSONField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["delivered_at", "next_attempt_at"], name="medins_outbox_due")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} → {self.peer}"


class InboxMessage(models.Model):
    """A message accepted from a peer; its (peer, message_id) is seen once."""

    peer = models.CharField(_("peer"), max_length=40)
    message_id = models.CharField(_("message id"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    transfer_id = models.CharField(_("transfer number"), max_length=40, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    duplicates = models.PositiveIntegerField(_("repeated deliveries"), default=0)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    seq = models.PositiveBigIntegerField(_("sender's sequence number"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "message_id"], name="medins_inbox_once")
        ]
        indexes = [models.Index(fields=["peer", "seq"], name="medins_inbox_seq")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} ← {self.peer}"


class RejectedMessage(models.Model):
    """A message refused at the door (unknown peer, bad signature, stale or replayed)."""

    at = models.DateTimeField(_("at"), auto_now_add=True)
    claimed_peer = models.CharField(_("claimed sender"), max_length=80, blank=True)
    message_id = models.CharField(_("message id"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    remote_addr = models.CharField(_("from address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("refused message")
        verbose_name_plural = _("refused messages")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.reason} {self.claimed_peer}"
