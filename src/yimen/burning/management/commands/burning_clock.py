from django.core.management.base import BaseCommand

from yimen.burning.services.dispatch import cases_escalate


class Command(BaseCommand):
    help = (
        "Escalate overdue straw-burning cases up the 包保 chain (run from cron every few "
        "minutes; safe to rerun)."
    )

    def handle(self, *args, **options):
        run = cases_escalate()
        self.stdout.write(f"overdue cases: {run.cases}; escalations: {run.escalations}")
