from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "yimen.assistance"
    label = "assistance"
    verbose_name = _("Social assistance")
    demo_loader = "yimen.assistance.demo.load"
    demo_order = 30
    demo_accounts = "yimen.assistance.demo.DEMO_ACCOUNTS"
    notifications = "yimen.assistance.notifications.RULES"

    def ready(self):
        from yimen.workflow.case_facts import CaseFacts, register_case_facts
        from yimen.workflow.registry import register, register_subject_page

        from .choices import AssistanceType
        from .process import ASSISTANCE_PROCESS, REVIEW_PROCESS
        from .selectors import case_heads, case_ids_matching

        register(ASSISTANCE_PROCESS)
        register(REVIEW_PROCESS)
        register_subject_page("assistance.application", "assistance:application")
        # the households behind the cases, for the case list's search, type filter and rows
        register_case_facts(
            CaseFacts(
                code="assistance",
                kinds=lambda: list(AssistanceType.choices),
                matching=lambda text, kind: case_ids_matching(text, assistance_type=kind),
                heads=case_heads,
            )
        )
