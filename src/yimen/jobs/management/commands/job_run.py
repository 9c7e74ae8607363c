"""``yimen job_run ID`` runs one recorded job in this process (the in-process runner's
detached process); ``yimen job_run --periodic KIND`` runs a scheduled kind once (cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from yimen.errors import YimenError
from yimen.jobs.catalogue import KINDS
from yimen.jobs.services import run_in_process, run_periodic


class Command(BaseCommand):
    help = "Run one background job by its id, or one scheduled kind (--periodic)."

    def add_arguments(self, parser):
        parser.add_argument("job", nargs="?", type=int)
        parser.add_argument("--periodic", choices=sorted(k for k, v in KINDS.items() if v.cron))

    def handle(self, *args, job=None, periodic=None, **options):
        if periodic:
            self.stdout.write(f"{periodic}: {run_periodic(periodic)}")
            return
        if job is None:
            raise CommandError("给出任务编号或 --periodic / give a job id or --periodic")
        try:
            run_in_process(job)
        except YimenError as refusal:
            raise CommandError(refusal.render()) from refusal
