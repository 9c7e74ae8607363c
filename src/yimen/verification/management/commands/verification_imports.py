"""``yimen verification_imports``: the history of partner data imports, newest first."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from yimen.verification.models import ImportBatch


class Command(BaseCommand):
    help = "List partner data imports: id, source, partner, as-of date, rows, imported at."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="only this data source")

    def handle(self, *args, **options):
        batches = ImportBatch.objects.all()
        if options.get("source"):
            batches = batches.filter(source=options["source"])
        self.stdout.write("id\tsource\tpartner\tas_of\trows\timported_at")
        for b in batches:
            at = timezone.localtime(b.imported_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{b.pk}\t{b.source}\t{b.partner}\t{b.as_of}\t{b.row_count}\t{at}")
