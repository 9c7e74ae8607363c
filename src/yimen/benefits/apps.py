from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "yimen.benefits"
    label = "benefits"
    verbose_name = _("Beneficiary roster, reviews and payments")
    demo_loader = "yimen.benefits.demo.load"
    notifications = "yimen.benefits.notifications.RULES"
    demo_order = 50

    def ready(self):
        from yimen.workflow.registry import register, register_subject_page

        from .process import BENEFIT_REVIEW_PROCESS

        register(BENEFIT_REVIEW_PROCESS)
        register_subject_page("benefits.beneficiary", "benefits:household")
        # the conclusion of an objection's review has its form here: a revocation stops the
        # household on the roster (services/enrolment.py)
        register_subject_page("assistance.objection", "benefits:objection")
