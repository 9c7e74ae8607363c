from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaints and reports (投诉举报), re-examination (复核) of refusals and stops, and
    the record of administrative reconsiderations and lawsuits (issue 22 item 2)."""

    name = "yimen.complaints"
    label = "complaints"
    verbose_name = _("Complaints and re-examination")
    demo_order = 97  # after benefits (its households) and the other services
    demo_loader = "yimen.complaints.demo.load"
    demo_accounts = "yimen.complaints.demo.ACCOUNTS"
    notifications = "yimen.complaints.notifications.RULES"
