"""`yimen notify`: dispatch the audit log's new events as notices and send the due texts.

Run it from cron every minute (``--once``, the default) or as a service (``--loop``)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from yimen.notify.dispatch import dispatch_all
from yimen.notify.sending import send_due


class Command(BaseCommand):
    help = "Dispatch new events as notices and send the due text messages."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep going every --every s")
        parser.add_argument("--every", type=float, default=30.0)

    def handle(self, *args, loop: bool = False, every: float = 30.0, **options):
        while True:
            dispatched = dispatch_all()
            sent = send_due()
            self.stdout.write(
                f"events {dispatched.events}, notices {dispatched.notices}, "
                f"texts queued {dispatched.messages}; sent {sent.sent}, "
                f"retrying {sent.retrying}, failed {sent.failed}"
            )
            if not loop:
                return
            time.sleep(every)
