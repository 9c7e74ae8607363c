from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal-data protection (issue 23): the access log, retention with legal holds,
    data-subject requests and encrypted backups. A kernel app beside audit: services call
    it from their views; it imports no service (their models are looked up by label)."""

    name = "yimen.privacy"
    label = "privacy"
    verbose_name = _("Personal data protection")
    demo_order = 98
    demo_loader = "yimen.privacy.demo.load"
    demo_accounts = "yimen.privacy.demo.ACCOUNTS"
