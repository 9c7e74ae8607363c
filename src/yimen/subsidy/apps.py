from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidyConfig(AppConfig):
    name = "yimen.subsidy"
    label = "subsidy"
    verbose_name = _("Straw-to-meat subsidy")
    demo_order = 90
    demo_loader = "yimen.subsidy.demo.load_demo"
    demo_accounts = "yimen.subsidy.demo.ACCOUNTS"
    notifications = "yimen.subsidy.notifications.RULES"
