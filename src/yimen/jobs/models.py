"""A job: one piece of background work asked for by someone, and how it went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # recorded, waiting for a worker
    RUNNING = "running", _("Running")  # a worker (or the web process) is doing it
    RETRYING = "retrying", _("Waiting to retry")  # an attempt failed; another will follow
    DONE = "done", _("Done")  # finished; ``result`` says what it did
    FAILED = "failed", _("Failed")  # refused, or failed on its last attempt; ``error`` says why


class Job(models.Model):
    """One enqueued piece of work (a kind of ``catalogue.KINDS``) with its arguments.

    The row is what the page that started the job polls, whichever backend runs it; the
    queue's own row (procrastinate's, ``queue_id``) is only the delivery. Its status
    changes only in ``services`` by guarded updates."""

    name = models.CharField(_("kind"), max_length=60)
    args = models.JSONField(_("arguments"), default=dict)
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    # the refusal or failure, in both languages: {"zh-hans": …, "en": …}
    error = models.JSONField(_("error"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    queue_id = models.BigIntegerField(null=True, blank=True)  # procrastinate's job id

    class Meta:
        verbose_name = _("background job")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_status_created")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in {JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING}


class NamedLock(models.Model):
    """A lock by name shared by every process (``locks.py``) when no Redis is configured:
    the row exists while the lock is held, until ``expires_at`` (a holder that died)."""

    name = models.CharField(max_length=200, primary_key=True)
    token = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
