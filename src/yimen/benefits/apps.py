from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "yimen.benefits"
    label = "benefits"
    verbose_name = _("Beneficiary roster, reviews and payments")
    demo_loader = "yimen.benefits.demo.load"
    demo_order = 50

    def ready(self):
        from yimen.workflow.registry import on_step_done, register, register_subject_page

        from .process import BENEFIT_REVIEW_PROCESS
        from .services.roster import enrol_disclosed, stop_revoked

        register(BENEFIT_REVIEW_PROCESS)
        register_subject_page("benefits.beneficiary", "benefits:household")
        # a household joins the roster when its approval has been disclosed, and leaves it
        # when the review of an objection revokes the approval
        on_step_done("assist", "disclose", enrol_disclosed)
        on_step_done("assist_review", "conclude", stop_revoked)
