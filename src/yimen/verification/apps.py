from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "yimen.verification"
    demo_loader = "yimen.verification.demo.load"
    label = "verification"
    verbose_name = _("Household economic verification")
