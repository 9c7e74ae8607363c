from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostermoveConfig(AppConfig):
    name = "yimen.rostermove"
    label = "rostermove"
    verbose_name = _("Moving in from the old system")
    default_auto_field = "django.db.models.BigAutoField"
    demo_order = 96  # after the roster (benefits 50) it checks against
    demo_loader = "yimen.rostermove.demo.load"
