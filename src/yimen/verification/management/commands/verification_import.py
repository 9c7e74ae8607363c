"""``yimen verification_import SOURCE FILE --partner X --as-of YYYY-MM-DD``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yimen.verification.errors import ImportRefused
from yimen.verification.importing import partner_data_import
from yimen.verification.sources import SOURCES


class Command(BaseCommand):
    help = (
        "Import one partner data file (.csv in UTF-8 or GB18030, .xlsx, .parquet) as a batch. "
        "A refused file is listed with its row numbers and nothing of it is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(SOURCES))
        parser.add_argument("file")
        parser.add_argument("--partner", required=True)
        parser.add_argument("--as-of", required=True, dest="as_of")

    def handle(self, *args, **options):
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError as error:
            raise CommandError(f"--as-of must be YYYY-MM-DD: {options['as_of']!r}") from error
        try:
            batch = partner_data_import(
                source=options["source"],
                partner=options["partner"],
                as_of=as_of,
                path=Path(options["file"]),
            )
        except ImportRefused as error:
            lines = [error.render()]
            lines += [
                f"{i}. row {e.row} (line {e.line}), {e.column}: {e.render()}"
                for i, e in enumerate(error.errors, start=1)
            ]
            if len(error.errors) < getattr(error, "total", 0):
                lines.append(f"... {error.total - len(error.errors)} more")
            raise CommandError("\n".join(lines)) from error
        self.stdout.write(
            f"batch {batch.pk}: {batch.source} from {batch.partner} as of {batch.as_of}, "
            f"{batch.row_count} rows, {batch.parquet_path}"
        )
