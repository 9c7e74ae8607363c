from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedinsConfig(AppConfig):
    name = "yimen.medins"
    label = "medins"
    verbose_name = _("Medical insurance")
    demo_loader = "yimen.medins.demo.load"
    notifications = "yimen.medins.notifications.RULES"
    demo_order = 60
