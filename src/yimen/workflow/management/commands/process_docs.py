from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from yimen.workflow.process_doc import processes_markdown


class Command(BaseCommand):
    help = "Write docs/processes.md (Mermaid diagrams) from the process declarations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.REPO_DIR) / "docs" / "processes.md")
        )

    def handle(self, *args, output, **options):
        Path(output).write_text(processes_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {output}")
