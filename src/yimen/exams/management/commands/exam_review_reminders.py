from django.core.management.base import BaseCommand
from django.utils import timezone

from yimen.exams.services.certificates import review_reminders
from yimen.exams.services.sitting import papers_close_expired


class Command(BaseCommand):
    help = "Remind certificate holders whose review window is open; submit expired papers."

    def handle(self, *args, **options):
        closed = papers_close_expired()
        sent = review_reminders(on=timezone.localdate())
        self.stdout.write(f"papers submitted at time: {closed}; review reminders: {sent}")
