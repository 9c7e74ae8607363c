"""`yimen notify_due`: tell what falls due by the calendar (review due, certificate review).

Run daily from cron (any hour: texts wait for the end of the quiet hours); a rerun or two
runs at once tell nothing twice. ``--on`` gives the day (default: today, Beijing time)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yimen.notify.dispatch import dispatch_all
from yimen.notify.due import remind_due


class Command(BaseCommand):
    help = "Write today's due reminders (review due, certificate review) and dispatch them."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="the day, YYYY-MM-DD (default: today)")

    def handle(self, *args, on: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--on: {error}") from error
        due = remind_due(on=day)
        dispatched = dispatch_all()
        self.stdout.write(
            f"{day}: due {due.due}, newly told {due.told}; notices {dispatched.notices}, "
            f"texts queued {dispatched.messages}"
        )
