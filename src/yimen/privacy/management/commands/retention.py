"""`yimen retention`: list what is past its retention (the default, a dry run), and with
``--apply`` anonymise or remove it, audited. Legal holds and open cases are always kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext_lazy as _

from yimen.audit.verify import bilingual
from yimen.privacy.retention.categories import CATEGORIES
from yimen.privacy.retention.rules import CATEGORY_LABELS
from yimen.privacy.retention.run import retention_apply, retention_plan

LINE = _(
    "%(label)s [%(code)s]: %(due)s past retention (%(action)s before %(before)s, %(years)s "
    "years, rule of %(since)s), %(held)s kept under a legal hold, %(needed)s kept for an "
    "open case"
)
NO_RULE = _("%(label)s [%(code)s]: no retention rule in force")
SOURCE = _("    source: %(source)s")
DRY_RUN = _("Dry run: nothing was changed. Run again with --apply to erase what is due.")
APPLIED = _("Done: %(count)s records erased; one audit event per category.")
BAD_DAY = _("--today must be a date written YYYY-MM-DD; got %(value)s")
BAD_CATEGORY = _("unknown category %(value)s; one of: %(codes)s")


class Command(BaseCommand):
    help = (
        "List personal data past its retention (dry run) or erase it with --apply "
        "(列出或清除超过保存期限的个人信息)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="anonymise or remove what is due")
        parser.add_argument("--category", default="", help="one category only")
        parser.add_argument("--today", default="", help="the day to run as (YYYY-MM-DD)")
        parser.add_argument("--ids", action="store_true", help="list the ids that are due")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(bilingual(BAD_DAY, value=options["today"])) from None
        only = options["category"]
        codes = [c.code for c in CATEGORIES]
        if only and only not in codes:
            raise CommandError(bilingual(BAD_CATEGORY, value=only, codes=", ".join(codes)))
        if options["apply"]:
            plans = retention_apply(today=today, only=only)
        else:
            plans = retention_plan(today=today, only=only)
        for plan in plans:
            code = plan.category.code
            label = CATEGORY_LABELS.get(code, code)
            if plan.rule is None:
                self.stdout.write(bilingual(NO_RULE, label=label, code=code))
                continue
            self.stdout.write(
                bilingual(
                    LINE,
                    label=label,
                    code=code,
                    due=len(plan.due),
                    action=plan.rule.action,
                    before=plan.before.isoformat() if plan.before else "",
                    years=plan.rule.years,
                    since=plan.rule.valid_from.isoformat(),
                    held=len(plan.held),
                    needed=len(plan.needed),
                )
            )
            self.stdout.write(bilingual(SOURCE, source=plan.rule.source))
            if options["ids"] and plan.due:
                self.stdout.write("    " + " ".join(str(i) for i in plan.due))
        if options["apply"]:
            total = sum(len(p.due) for p in plans)
            self.stdout.write(self.style.SUCCESS(bilingual(APPLIED, count=total)))
        else:
            self.stdout.write(self.style.WARNING(bilingual(DRY_RUN)))
