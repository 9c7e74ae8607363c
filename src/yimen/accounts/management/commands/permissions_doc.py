from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from yimen.accounts.permissions_doc import permissions_markdown


class Command(BaseCommand):
    help = "Write docs/permissions.md from the role → action table in the code."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.REPO_DIR) / "docs" / "permissions.md")
        )

    def handle(self, *args, output, **options):
        Path(output).write_text(permissions_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {output}")
