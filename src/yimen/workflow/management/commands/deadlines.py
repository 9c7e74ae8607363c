from django.core.management.base import BaseCommand

from yimen.workflow.deadlines import send_reminders


class Command(BaseCommand):
    help = "Send reminders for overdue and due-soon tasks (safe to run from cron)."

    def handle(self, *args, **options):
        run = send_reminders()
        self.stdout.write(
            f"逾期任务 overdue tasks: {run.overdue_tasks}; 即将到期 due soon: "
            f"{run.due_soon_tasks}; 新提醒 notifications sent: {run.notifications}"
        )
