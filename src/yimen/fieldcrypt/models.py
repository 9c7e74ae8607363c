"""The wrapped keys and the state of a key rotation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: the ``table`` of the one index key (blind indexes must match across tables and Parquet)
INDEX_SCOPE = "__index__"


class DataKey(models.Model):
    """One data key (or the index key) wrapped by the master key: SM4-GCM under the master
    key, bound to its table and identifier. A retired key is kept: values not yet
    re-encrypted still name it."""

    kid = models.CharField(_("key identifier"), max_length=16, unique=True)
    table = models.CharField(_("table"), max_length=100)
    wrapped = models.TextField(_("wrapped key"))
    master_id = models.CharField(_("master key identifier"), max_length=16)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")
        constraints = [
            models.UniqueConstraint(
                fields=["table"], condition=models.Q(active=True), name="one_active_key_per_table"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table}:{self.kid}"


class Rotation(models.Model):
    """A rotation of one table's data key: its target key and how far it got. A rerun of
    the command continues the unfinished rotation of a table rather than starting another."""

    table = models.CharField(_("table"), max_length=100)
    target_kid = models.CharField(_("new key identifier"), max_length=16)
    total = models.PositiveIntegerField(_("values to re-encrypt"), default=0)
    done = models.PositiveIntegerField(_("values re-encrypted"), default=0)
    batches = models.PositiveIntegerField(_("batches committed"), default=0)
    # the walk in primary-key order, then one sweep from the start for values written
    # meanwhile under the old key
    last_pk = models.BigIntegerField(_("last row of the walk"), null=True, blank=True)
    sweeping = models.BooleanField(_("sweeping"), default=False)
    sweep_pk = models.BigIntegerField(_("last row of the sweep"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key rotation")
        verbose_name_plural = _("key rotations")
        constraints = [
            models.UniqueConstraint(
                fields=["table"],
                condition=models.Q(finished_at__isnull=True),
                name="one_open_rotation_per_table",
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} → {self.target_kid} ({self.done}/{self.total})"
