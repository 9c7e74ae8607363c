"""The procrastinate side of the adapter (``JOBS_BACKEND = "procrastinate"``, PostgreSQL).

Each kind of the catalogue is a procrastinate task of the same name on the queue ``yimen``
(registered in ``tasks.py``, which procrastinate's Django app discovers); its retry
strategy is the kind's. The worker is ``yimen worker`` (``worker.py``)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from .models import Job

QUEUE = "yimen"


def defer(job: Job) -> None:
    """Queue ``job`` through Django's connection: inside the caller's transaction, so the
    job exists for a worker exactly when the rows that asked for it are committed."""
    queue_id = app.configure_task(name=job.name, queue=QUEUE, allow_unknown=False).defer(
        job_id=job.pk
    )
    Job.objects.filter(pk=job.pk).update(queue_id=queue_id)
    job.queue_id = queue_id
