from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "yimen.workflow"
    label = "workflow"
    verbose_name = _("Workflow")

    def ready(self):
        from yimen import id_sets  # noqa: F401 (registers the any_of lookup)
