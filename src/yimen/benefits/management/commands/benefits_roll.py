"""Preview or issue a township's payment roll for a month from the command line."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yimen.benefits.services.payments import roll_compute, roll_issue
from yimen.errors import YimenError
from yimen.months import parse_month


class Command(BaseCommand):
    help = "Show (or with --issue-as USER, issue) a township's payment roll of a month."

    def add_arguments(self, parser):
        parser.add_argument("township", help="12-digit township code")
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--issue-as", help="username of the township approver who signs")

    def handle(self, *args, township, month, issue_as=None, **options):
        first = parse_month(month)
        if first is None:
            raise CommandError("月份格式应为 YYYY-MM / month must be YYYY-MM")
        try:
            if issue_as:
                user = get_user_model().objects.filter(username=issue_as).first()
                if user is None:
                    raise CommandError(f"无此用户 no such user: {issue_as}")
                roll = roll_issue(actor=user, township_code=township, month=first)
                self.stdout.write(
                    f"已发放 issued roll {roll.pk}: {roll.households} 户 households, "
                    f"{roll.total_amount} 元 yuan, sha256 {roll.digest}"
                )
                return
            preview = roll_compute(township, first)
        except YimenError as exc:
            raise CommandError(f"{exc.render('zh-hans')} / {exc.render('en')}") from exc
        for kind, (homes, amount) in preview.by_type().items():
            self.stdout.write(f"{kind}: {homes} 户 households, {amount} 元 yuan")
        self.stdout.write(f"合计 total: {preview.households} 户, {preview.total} 元")
        if preview.missing_accounts:
            self.stdout.write("缺少账户 missing accounts: " + "、".join(preview.missing_accounts))
