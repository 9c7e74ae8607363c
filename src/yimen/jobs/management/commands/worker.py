"""``yimen worker``: run the background jobs and the schedule (docs/operations.md)."""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run background jobs from the queue (YIMEN_JOBS_BACKEND=procrastinate, PostgreSQL): "
        "verification runs, payment rolls, recalculations, the periodic work on its schedule; "
        "jobs of a worker that died are given to a live one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=1, help="jobs at once")
        parser.add_argument("--heartbeat", type=float, default=10.0, help="seconds")
        parser.add_argument(
            "--stalled-after",
            type=float,
            default=60.0,
            help="seconds without a heartbeat before a worker's jobs are queued again",
        )
        parser.add_argument("--recover-every", type=float, default=15.0, help="seconds")

    def handle(self, *args, **options):
        if getattr(settings, "JOBS_BACKEND", "inprocess") != "procrastinate":
            raise CommandError(
                "未配置任务队列：设置 YIMEN_JOBS_BACKEND=procrastinate（需要 PostgreSQL）/ "
                "no job queue configured: set YIMEN_JOBS_BACKEND=procrastinate (PostgreSQL)"
            )
        from yimen.jobs.worker import run

        logging.basicConfig(level=logging.INFO if options["verbosity"] > 1 else logging.WARNING)
        asyncio.run(
            run(
                concurrency=options["concurrency"],
                heartbeat=options["heartbeat"],
                stalled_after=options["stalled_after"],
                every=options["recover_every"],
            )
        )
