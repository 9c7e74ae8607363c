"""``yimen verification_run``: the batch run, on demand or as scheduled (cron, daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yimen.errors import YimenError
from yimen.regions.codes import prefix_of
from yimen.verification.runs import run_execute, run_start


class Command(BaseCommand):
    help = (
        "Match every pending verification request against the imported partner data, store "
        "the reports and complete the cases' verify tasks. --scheduled (for a daily cron "
        "job) takes only divisions whose cycle day is today; --run executes a queued run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheduled", action="store_true", help="only today's cycle days")
        parser.add_argument("--division", default="", help="only divisions under this code")
        parser.add_argument("--run", type=int, help="execute this queued run (the staff page)")

    def handle(self, *args, **options):
        try:
            if options.get("run"):
                run_id = options["run"]
            else:
                run_id = run_start(
                    division_prefix=prefix_of(options["division"]) if options["division"] else "",
                    scheduled=options["scheduled"],
                ).pk

            def show(run):
                if options["verbosity"] > 1:
                    self.stdout.write(f"{run.phase or run.status}\t{run.done}/{run.total}")

            run = run_execute(run_id, progress=show, today=timezone.localdate())
        except YimenError as error:
            raise CommandError(error.render()) from error
        self.stdout.write(
            f"run {run.pk}: {run.total} households, {run.reports} reports, "
            f"{run.completed} verify tasks completed, {run.disputed} disputed"
        )
