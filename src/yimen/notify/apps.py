from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """The one channel every service notifies through: an inbox per user and SMS.

    A service declares what it tells whom as data on its own AppConfig
    (``notifications = "yimen.<app>.notifications.RULES"``, see ``yimen.notify.rules``);
    this app reads the audit log, which every service already writes in the transaction
    of the change, so a notice exists exactly when its event does."""

    name = "yimen.notify"
    label = "notify"
    verbose_name = _("Notifications")
    demo_order = 1000  # last: it reads the events every other loader wrote
    demo_loader = "yimen.notify.demo.load"
