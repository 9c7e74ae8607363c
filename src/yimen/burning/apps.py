from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BurningConfig(AppConfig):
    name = "yimen.burning"
    label = "burning"
    verbose_name = _("Straw-burning supervision")
    demo_order = 95
    demo_loader = "yimen.burning.demo.load_demo"
    demo_accounts = "yimen.burning.demo.ACCOUNTS"
    notifications = "yimen.burning.notifications.RULES"
