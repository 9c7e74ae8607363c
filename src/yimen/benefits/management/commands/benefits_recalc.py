"""Re-evaluate a division's roster at a date; print the changes (and their digest).

With --confirm-as USER --digest D the township approver applies exactly that list."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yimen.benefits.services.recalc import recalc_compute, recalc_confirm
from yimen.errors import YimenError


class Command(BaseCommand):
    help = "List the households whose eligibility or amount would change at a date."

    def add_arguments(self, parser):
        parser.add_argument("division", help="12-digit division code")
        parser.add_argument("on", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--confirm-as", help="username of the approver who confirms")
        parser.add_argument("--digest", default="", help="the digest printed by the preview")

    def handle(self, *args, division, on, confirm_as=None, digest="", **options):
        try:
            if confirm_as:
                user = get_user_model().objects.filter(username=confirm_as).first()
                if user is None:
                    raise CommandError(f"无此用户 no such user: {confirm_as}")
                done = recalc_confirm(actor=user, division_code=division, on=on, digest=digest)
                self.stdout.write(
                    f"已调整 adjusted {done.adjusted}, 已开启复核 reviews {done.reviews_opened}, "
                    f"自 from {done.effective:%Y-%m}"
                )
                return
            result = recalc_compute(division, on)
        except YimenError as exc:
            raise CommandError(f"{exc.render('zh-hans')} / {exc.render('en')}") from exc
        for c in result.changes:
            self.stdout.write(
                f"{c.beneficiary_id}\t{c.head_name}\t{c.old_type} {c.old_amount}\t→\t"
                f"{c.new_type or '-'} {c.new_amount}\t{','.join(c.failed)}"
            )
        self.stdout.write(
            f"评估 evaluated {result.evaluated}, 变化 changes {result.count}, "
            f"digest {result.digest}"
        )
