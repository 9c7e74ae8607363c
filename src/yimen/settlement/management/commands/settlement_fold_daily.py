"""Daily job (cron, e.g. 01:00): fold past days' daily-total shards into one row. Idempotent."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from yimen.settlement.services.settling import daily_totals_fold


class Command(BaseCommand):
    help = "Fold the settlement daily totals of past days (16 shards each) into one row per key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before", type=date.fromisoformat, help="fold the days before this (default today)"
        )

    def handle(self, *args, before=None, **options):
        # today's shards stay: settlements are still bumping them
        removed = daily_totals_fold(before=before or timezone.localdate())
        self.stdout.write(f"已合并日汇总分片 daily-total shard rows folded: {removed}")
