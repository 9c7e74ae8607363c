from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "yimen.exams"
    label = "exams"
    verbose_name = _("Safety qualification exams")
    demo_order = 80
    demo_loader = "yimen.exams.demo.load_demo"
    notifications = "yimen.exams.notifications.RULES"
    demo_accounts = "yimen.exams.demo.ACCOUNTS"
