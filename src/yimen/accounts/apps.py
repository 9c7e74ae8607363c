from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yimen.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    demo_loader = "yimen.accounts.demo.load"
    demo_order = 10
    demo_accounts = "yimen.accounts.demo.DEMO_USERS"
