"""The only code that assigns Application.status (house rule 3)."""

from __future__ import annotations

from .errors import ApplicationTransitionRefused
from .models import Application, ApplicationStatus

ALLOWED = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.DISCARDED},
}


def set_application_status(application: Application, target: ApplicationStatus) -> None:
    """Move a draft on, guarded by the current status in the database."""
    source = application.status
    if target not in ALLOWED.get(source, set()):
        raise ApplicationTransitionRefused(f"{source} → {target}")
    moved = Application.objects.filter(pk=application.pk, status=source).update(status=target)
    if moved != 1:
        raise ApplicationTransitionRefused(f"{source} → {target}: changed concurrently")
    application.status = target
