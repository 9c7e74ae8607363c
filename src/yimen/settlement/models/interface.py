"""What the hospital interface remembers: every answered message (msgid idempotency) and
sign-ins (9001/9002)."""

from __future__ import annotations

from django.db import models


class FsiMessage(models.Model):
    """The first answer given to a msgid; a retried msgid gets exactly this answer again.

    ``reversed_by`` is set when a 2601 undid this message; a message that arrives only after
    its reversal is answered with a refusal stored here in advance (with no digest: whatever
    arrives under that msgid gets the refusal).

    ``digest`` (SHA-256 of the canonical infno + input, ``fsi.envelope.message_digest``) tells
    a retry (the same message: the stored answer again) from another message that reuses the
    msgid (refused, nothing written)."""

    msgid = models.CharField(max_length=64)
    infno = models.CharField(max_length=8)
    fixmedins_code = models.CharField(max_length=30)
    infcode = models.SmallIntegerField()
    response = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    reversed_by = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        # one index besides the id: msgid, what every message is stored and replayed by (a
        # constraint rather than unique=True, which adds a prefix-search index on PostgreSQL)
        constraints = [
            models.UniqueConstraint(fields=["msgid"], name="settlement_fsimessage_msgid")
        ]

    def __str__(self) -> str:
        return f"{self.msgid} ({self.infno})"


class SignIn(models.Model):
    """An operator's sign-in at an institution; business messages carry its sign_no."""

    sign_no = models.CharField(max_length=30, unique=True)
    institution = models.ForeignKey("settlement.Institution", on_delete=models.CASCADE)
    opter = models.CharField(max_length=30)
    signed_in_at = models.DateTimeField()
    signed_out_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.sign_no
