from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "yimen.verification"
    label = "verification"
    verbose_name = _("Household economic verification")
    demo_loader = "yimen.verification.demo.load"
    demo_order = 40
