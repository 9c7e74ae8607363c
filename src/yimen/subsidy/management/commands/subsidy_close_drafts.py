"""``yimen subsidy_close_drafts``: the deadline job. Every scheme whose deadline instant has
passed has its drafts still open closed as given up (逾期未申报，视为自动放弃), each audited.
Safe to rerun: a closed draft is not a draft any more. Run it from cron after each deadline."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from yimen.subsidy.models import Scheme
from yimen.subsidy.services.applications import drafts_lapse


class Command(BaseCommand):
    help = "Close the subsidy drafts still open after their scheme's deadline."

    def handle(self, *args, **options):
        now = timezone.now()
        total = 0
        for scheme in Scheme.objects.filter(deadline__lt=now).order_by("pk"):
            closed = drafts_lapse(scheme=scheme, now=now)
            total += closed
            if closed:
                self.stdout.write(f"{scheme.code}: {closed}")
        self.stdout.write(f"closed {total}")
