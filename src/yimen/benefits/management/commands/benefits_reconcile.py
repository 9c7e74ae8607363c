"""Prove the fund ledger equals the issued rolls and the bank's returns to the fen;
non-zero exit on a mismatch."""

from django.core.management.base import BaseCommand, CommandError

from yimen.benefits.models import PaymentRoll
from yimen.benefits.services.payments import reconcile
from yimen.benefits.services.returns_ledger import reconcile_returns


class Command(BaseCommand):
    help = "Reconcile the fund ledger with the issued payment rolls and returns (to the fen)."

    def add_arguments(self, parser):
        parser.add_argument("--division", default="", help="code prefix to limit the check")

    def handle(self, *args, division="", **options):
        problems = reconcile(division) + reconcile_returns(division)
        rolls = PaymentRoll.objects.filter(division__code__startswith=division).count()
        for p in problems:
            self.stdout.write(f"roll {p.roll_id}: {p.what}: expected {p.expected}, found {p.found}")
        if problems:
            raise CommandError(f"账实不符 {len(problems)} mismatches in {rolls} rolls")
        self.stdout.write(f"账实相符 ledger reconciles with {rolls} rolls to the fen")
