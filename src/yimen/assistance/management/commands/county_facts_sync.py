"""``yimen county_facts_sync``: copy every decision not yet in the county's read model.

The dashboard, the statistics and the sampling do this themselves before each read; run it
once after a migration or a bulk import of decisions, so the first page does not pay for
the whole copy (about 20–50 s per 200,000 decisions on a 2-core machine). Safe to rerun."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from yimen.assistance.facts import facts_sync


class Command(BaseCommand):
    help = "Copy decisions not yet copied into the county dashboard's read model (idempotent)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        copied = facts_sync()
        self.stdout.write(f"{copied} decisions copied in {time.perf_counter() - started:.1f} s")
