from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "yimen.assistance"
    label = "assistance"
    verbose_name = _("Social assistance")

    def ready(self):
        from yimen.workflow.registry import register, register_subject_page

        from .process import ASSISTANCE_PROCESS, REVIEW_PROCESS

        register(ASSISTANCE_PROCESS)
        register(REVIEW_PROCESS)
        register_subject_page("assistance.application", "assistance:application")
