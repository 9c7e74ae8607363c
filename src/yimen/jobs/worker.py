"""``yimen worker``: procrastinate's worker on our queue, plus the recovery of the jobs of a
worker that died (kill -9, a machine lost): every ``recover_every`` seconds the jobs still
marked "doing" by a worker whose heartbeat is older than ``stalled_after`` are put back on
the queue for any live worker. procrastinate records each worker's heartbeat; handing the
jobs back is ours to schedule (its documented recipe)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import cast

from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector

from .queue import QUEUE

log = logging.getLogger(__name__)


async def recover_stalled(stalled_after: float) -> int:
    """Put the jobs of workers silent for ``stalled_after`` seconds back on the queue."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    for job in stalled:
        log.warning("job %s (%s) of a stalled worker: queued again", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    return len(stalled)


async def _recover_loop(stalled_after: float, every: float) -> None:
    while True:
        with contextlib.suppress(Exception):  # a lost connection: try again next time
            await recover_stalled(stalled_after)
        await asyncio.sleep(every)


async def run(
    *, concurrency: int = 1, heartbeat: float = 10.0, stalled_after: float = 60.0, every=15.0
) -> None:
    """Run the worker until it is stopped (SIGTERM/SIGINT: it finishes its jobs first)."""
    # Django's connector defers in the web request's transaction; a worker needs an async one
    connector = cast(DjangoConnector, app.connector).get_worker_connector()
    with app.replace_connector(connector):
        async with app.open_async():
            recovery = asyncio.create_task(_recover_loop(stalled_after, every))
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=concurrency,
                    update_heartbeat_interval=heartbeat,
                    stalled_worker_timeout=stalled_after,
                    fetch_job_polling_interval=1.0,
                )
            finally:
                recovery.cancel()
