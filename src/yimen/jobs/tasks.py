"""The catalogue's kinds as procrastinate tasks (discovered by ``procrastinate.contrib.django``,
installed with PostgreSQL only): one task per kind, its retries, its schedule."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from .catalogue import KINDS, Kind
from .queue import QUEUE
from .services import job_execute, run_periodic


def _register(kind: Kind) -> None:
    retry = RetryStrategy(max_attempts=kind.retries, exponential_wait=kind.retry_wait)

    def run(context: JobContext, job_id: int | None = None, timestamp: int | None = None) -> Any:
        close_old_connections()  # the worker's threads keep connections between jobs
        try:
            if job_id is None:  # a scheduled run
                return run_periodic(kind.name)
            attempts = context.job.attempts if context.job else 0
            return job_execute(job_id, final=attempts >= kind.retries)
        finally:
            connection.close()  # this worker thread's own: the next job may get another thread

    run.__name__ = run.__qualname__ = kind.name.replace(".", "_")
    task = app.task(name=kind.name, queue=QUEUE, retry=retry, pass_context=True)(run)
    if kind.cron and settings.JOBS_SCHEDULE:
        app.periodic(cron=kind.cron, periodic_id=kind.name)(task)


for _kind in KINDS.values():
    _register(_kind)
