from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "yimen.regions"
    label = "regions"
    verbose_name = _("Divisions")
    demo_loader = "yimen.regions.demo.load"
    demo_order = 0
