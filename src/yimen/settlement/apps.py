from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "yimen.settlement"
    label = "settlement"
    verbose_name = _("Cross-region direct settlement")
    demo_loader = "yimen.settlement.demo.load"
    notifications = "yimen.settlement.notifications.RULES"
    demo_order = 70
    demo_credentials = "yimen.settlement.demo.credential_lines"
