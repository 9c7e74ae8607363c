"""What this node knows of each peer: message sequence numbers both ways, the peer's last
reconciliation report, and whether this node is held for reconciliation.

Why sequence numbers: a node restored from a backup forgets the messages it sent after the
backup, but its peer remembers them. Every message carries the sender's own sequence number
(``seq``) and the highest one it has received from the recipient (``ack``). A node that
receives an ``ack`` beyond anything it ever numbered has lost its own history, and a node
that receives a ``seq`` it already saw under another message id knows its peer has; either
way new transfers stop until the two nodes are reconciled (docs/operations.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeerLink(models.Model):
    """One row per peer node; locked while a sequence number is handed out."""

    peer = models.CharField(_("peer"), max_length=40, unique=True)
    last_seq_sent = models.PositiveBigIntegerField(_("last sequence number sent"), default=0)
    highest_seq_received = models.PositiveBigIntegerField(
        _("highest sequence number received"), default=0
    )
    held_since = models.DateTimeField(_("held for reconciliation since"), null=True, blank=True)
    hold_reason = models.CharField(_("reason for the hold"), max_length=300, blank=True)
    peer_report = models.JSONField(_("the peer's last report"), null=True, blank=True)
    peer_report_at = models.DateTimeField(_("report received at"), null=True, blank=True)
    disagreements = models.JSONField(_("disagreements found"), default=list, blank=True)
    compared_at = models.DateTimeField(_("last compared at"), null=True, blank=True)
    report_sent_at = models.DateTimeField(_("own report last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer node")
        verbose_name_plural = _("peer nodes")
        ordering = ["peer"]

    def __str__(self) -> str:
        return self.peer
