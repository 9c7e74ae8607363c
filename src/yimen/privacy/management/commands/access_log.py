"""`yimen access_log verify`: check the personal-data access log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yimen.audit.verify import NOT_KEYED, bilingual
from yimen.privacy.access_verify import verify_access_log


class Command(BaseCommand):
    help = "Verify the personal-data access log's hash chain (校验个人信息访问记录的哈希链)"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify}")
        verify = actions.add_parser("verify", help="check every entry, link and the head")
        verify.add_argument("--batch", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_access_log(batch=max(options["batch"], 1))
        if not result.ok:
            raise CommandError(f"{result.message} [{result.problem}]")
        self.stdout.write(self.style.SUCCESS(result.message))
        if not result.keyed:
            self.stdout.write(self.style.WARNING(bilingual(NOT_KEYED)))
