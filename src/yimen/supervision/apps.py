from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """County supervision (监督): what the county sees of every service — its case list and
    requests for review, the dashboard, statistics, funds and sampling. It sits above the
    services it reads (assistance, benefits) and nothing below imports it."""

    name = "yimen.supervision"
    label = "supervision"
    verbose_name = _("County supervision")
