"""What was told to whom: inbox notices, SMS messages with every gateway attempt, opt-outs.

A notice or an SMS is keyed by the audit event that caused it (``event_seq``) and its
recipient, with a unique constraint: dispatching the same event twice, from two
processes or after a crash, never tells anyone twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One entry of a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    event_seq = models.BigIntegerField(_("audit event"))
    kind = models.CharField(_("kind"), max_length=60)
    # the values the rule's texts need, as strings; the texts are rendered when read, in
    # the reader's language (yimen.notify.rules.render)
    params = models.JSONField(_("values"), default=dict)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_seq", "kind", "recipient"], name="notice_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.kind


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed after all retries")
    OPTED_OUT = "opted_out", _("Not sent: the recipient opted out")


class SmsMessage(models.Model):
    """One text message to one number, sent by the gateway with retries and backoff."""

    event_seq = models.BigIntegerField(_("audit event"))
    kind = models.CharField(_("kind"), max_length=60)
    phone = models.CharField(_("phone number"), max_length=20)
    body = models.CharField(_("text"), max_length=500)
    status = models.CharField(
        _("status"), max_length=12, choices=SmsStatus.choices, default=SmsStatus.PENDING
    )
    urgent = models.BooleanField(_("urgent (sent in quiet hours)"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    gateway_id = models.CharField(_("gateway message id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            models.UniqueConstraint(
                fields=["event_seq", "kind", "phone"], name="sms_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.phone}: {self.body[:20]}"


class SmsAttempt(models.Model):
    """One call to the gateway and its answer, kept as the message's own audit trail:
    what was sent to which number, when, and what the gateway said."""

    message = models.ForeignKey(
        SmsMessage, on_delete=models.CASCADE, related_name="tries", verbose_name=_("message")
    )
    at = models.DateTimeField(_("time"))
    phone = models.CharField(_("phone number"), max_length=20)
    body = models.CharField(_("text"), max_length=500)
    ok = models.BooleanField(_("accepted by the gateway"))
    answer = models.TextField(_("gateway answer"), blank=True)

    class Meta:
        verbose_name = _("gateway attempt")
        verbose_name_plural = _("gateway attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.phone} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"


class OptOut(models.Model):
    """A number that asked not to receive a kind of optional message (``kind`` blank: all
    optional ones). Messages the law requires to be served (a decision) ignore it."""

    phone = models.CharField(_("phone number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint(fields=["phone", "kind"], name="optout_once")]

    def __str__(self) -> str:
        return f"{self.phone} {self.kind or '*'}"


class DueNotice(models.Model):
    """A date falling due that was told (``yimen notify_due``): its (kind, subject, date)
    is unique, so a daily run repeated, or two at once, tell it once; ``event_seq`` is
    the ``notify.notice_due`` audit event the dispatcher turns into the notices."""

    kind = models.CharField(_("kind"), max_length=60)
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject"), max_length=64)
    due_on = models.DateField(_("due on"))
    event_seq = models.BigIntegerField(_("audit event"))

    class Meta:
        verbose_name = _("reminder of a due date")
        verbose_name_plural = _("reminders of due dates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "due_on"], name="due_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id} {self.due_on}"


class Cursor(models.Model):
    """How far the dispatcher has read the audit log (one row, ``name`` = "dispatch")."""

    name = models.CharField(max_length=30, primary_key=True)
    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.seq}"
