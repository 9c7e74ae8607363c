"""Compare the roster's stored household facts with the application tables (and rewrite
them with --rebuild). The rules' batch reads the stored copy (benefits.models.facts); this
is the check that it still says what the tables say."""

from django.core.management.base import BaseCommand, CommandError

from yimen.benefits.frames import facts_differing, roster_where, store_household_facts
from yimen.regions.codes import prefix_of
from yimen.regions.models import Division


class Command(BaseCommand):
    help = "Check (or rebuild) the stored household facts of a division's roster."

    def add_arguments(self, parser):
        parser.add_argument("division", help="division code (city, county, township, village)")
        parser.add_argument("--rebuild", action="store_true", help="rewrite the differing ones")

    def handle(self, *args, division, rebuild=False, **options):
        if not Division.objects.filter(code=division).exists():
            raise CommandError(f"无此区划 no such division: {division}")
        where, params = roster_where(prefix_of(division))
        differing = facts_differing(where, params)
        if differing and rebuild:
            store_household_facts(differing)
            self.stdout.write(f"已重写 rewritten {len(differing)}")
            return
        for pk in differing[:50]:
            self.stdout.write(f"不一致 differs: {pk}")
        self.stdout.write(f"不一致 differing {len(differing)}")
        if differing:
            raise CommandError("存储的家庭事实与申请表不一致 stored facts differ from the tables")
