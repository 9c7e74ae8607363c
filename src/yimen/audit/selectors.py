"""Reading the audit log."""

from __future__ import annotations

from django.db import models

from .models import AuditEvent
from .services import subject_of


def events_for_subject(subject: models.Model | tuple[str, str]):
    """The timeline of one subject, oldest first."""
    subject_type, subject_id = subject if isinstance(subject, tuple) else subject_of(subject)
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by(
        "seq"
    )


def events_for_subjects(subject_type: str, subject_ids: list[str]):
    """Events of several subjects of one type, oldest first (a case and its tasks, say)."""
    return AuditEvent.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids
    ).order_by("seq")
