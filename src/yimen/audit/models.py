"""The audit log: rows are appended, never changed; each one's hash covers the one before.

Tampering with a row (edit, delete, reorder) breaks the chain, and `yimen audit verify`
names the first broken link. The ORM refuses updates and deletes everywhere; on
PostgreSQL a trigger refuses them in the database as well (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import AppendOnlyError
from .events import EventType


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only / 审计记录只能追加")

    def delete(self):
        raise AppendOnlyError("audit events are append-only / 审计记录只能追加")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only / 审计记录只能追加")

    update_or_create = get_or_create = None  # type: ignore[assignment]


class AuditEvent(models.Model):
    """One audited change: who (user, role, division), what, when, old/new values and why."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    division_code = models.CharField(_("division"), max_length=12, blank=True)
    event_type = models.CharField(_("event"), max_length=60, choices=EventType.choices)
    subject_type = models.CharField(_("subject type"), max_length=60)
    subject_id = models.CharField(_("subject"), max_length=64)
    old = models.JSONField(_("old values"), null=True, blank=True)
    new = models.JSONField(_("new values"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accountable signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer name"), max_length=150, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only / 审计记录只能追加")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only / 审计记录只能追加")


class ChainHead(models.Model):
    """The last link of the chain: locked by every writer so appends are strictly ordered,
    and compared by `verify` so a deleted tail is noticed.

    ``mac`` seals (seq, hash) with the deployment's audit key (`keys.AuditKey.seal`), so a
    database writer without the key cannot rewind the head over a deleted tail or point it
    at a rehashed chain. A trigger lets the head only move forward (migration 0015)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    mac = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
