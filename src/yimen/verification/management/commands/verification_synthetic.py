"""``yimen verification_synthetic``: seeded synthetic partner files, one per data source."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from yimen.verification.sources import SOURCES
from yimen.verification.synthetic import people, write_source


class Command(BaseCommand):
    help = "Write one synthetic partner file per verification source (same seed, same files)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1000, help="how many people")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument("--out", required=True, help="directory to write into")
        parser.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv")

    def handle(self, *args, **options):
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        seed, fmt = options["seed"], options["format"]
        persons = people(options["people"], seed)
        for code in SOURCES:
            path = out / f"{code}.{fmt}"
            count = write_source(code, persons, path, fmt, seed)
            self.stdout.write(f"{code}\t{count}\t{path}")
