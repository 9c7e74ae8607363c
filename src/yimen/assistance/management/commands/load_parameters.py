"""``yimen load_parameters [FILE]``: load shipped assistance parameter sets, idempotently."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yimen.assistance.parameters import parameter_sets_load
from yimen.errors import YimenError

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "changchun_parameters.json"


class Command(BaseCommand):
    help = (
        "Load assistance parameter sets from a JSON file (default: the shipped Changchun "
        "defaults). A set whose division and start date already exist is skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        rows = payload["sets"] if isinstance(payload, dict) else payload
        try:
            created, skipped = parameter_sets_load(rows=rows)
        except YimenError as error:
            details = "; ".join(
                f"{name}: {' '.join(messages)}"
                for name, messages in getattr(error, "fields", {}).items()
            )
            raise CommandError(f"{error.render('en')} {details}".strip()) from error
        self.stdout.write(f"parameter sets: {created} created, {skipped} already present")
