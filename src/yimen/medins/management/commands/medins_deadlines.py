"""Send today's deadline alerts for insurance transfers (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from yimen.medins.deadlines import transfer_alerts


class Command(BaseCommand):
    help = "Notify medins staff of transfers due within 2 working days or overdue."

    def handle(self, *args, **options):
        self.stdout.write(f"{transfer_alerts()} new alert(s)")
