"""Deliver the node's outgoing messages: once, or as a long-running worker loop."""

from django.core.management.base import BaseCommand

from yimen.medins.outbox import deliver_due, run_worker


class Command(BaseCommand):
    help = "Send due outbox messages to peer nodes (retry with backoff); --loop to keep running."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running (the worker)")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between idle polls")

    def handle(self, *args, **options):
        if options["loop"]:
            run_worker(poll=options["poll"])
        else:
            counts = deliver_due()
            self.stdout.write(f"delivered {counts['delivered']}, failed {counts['failed']}")
