from django.urls import path, re_path

from yimen.accounts.api import TokenRevokeView, TokenView

from . import api
from .problems import api_not_found

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("tasks/", api.MyTasksView.as_view(), name="api-my-tasks"),
    path("tasks/<str:task_id>/complete/", api.TaskCompleteView.as_view(), name="api-task-complete"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/batch-decision/", api.BatchDecisionView.as_view(), name="api-batch-decision"),
    path("cases/<str:case_id>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<str:case_id>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("cases/<str:case_id>/flags/", api.CaseFlagView.as_view(), name="api-case-flag"),
    path("cases/<str:case_id>/withdraw/", api.CaseWithdrawView.as_view(), name="api-case-withdraw"),
    # last: any other address under /api/ answers with a problem body, not the HTML 404 page
    # (yimen/urls.py mounts this module after every other /api/ prefix)
    re_path(r"^", api_not_found, name="api-not-found"),
]
