"""Daily job (cron, e.g. 01:00): open the reviews falling due. Idempotent."""

from datetime import date

from django.core.management.base import BaseCommand

from yimen.benefits.services.reviews import reviews_open_due


class Command(BaseCommand):
    help = "Open the scheduled reviews of households on assistance that fall due."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="as of (default today)")

    def handle(self, *args, date=None, **options):
        opened = reviews_open_due(date)
        self.stdout.write(f"已开启复核 reviews opened: {opened}")
