from django.core.management.base import BaseCommand

from yimen.accounts.ratelimit import purge_expired


class Command(BaseCommand):
    help = (
        "Delete rate-limit counters whose window has passed (cron, daily). "
        "删除已过期的限流计数（每日定时）。"
    )

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {purge_expired()} expired rate counters")
