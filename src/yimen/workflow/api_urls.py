"""The case and task API under /api/ (mounted by yimen/urls.py before web.api_urls, whose
last route answers every other /api/ address with a problem body)."""

from django.urls import path

from . import api

urlpatterns = [
    path("tasks/", api.MyTasksView.as_view(), name="api-my-tasks"),
    path("tasks/<str:task_id>/complete/", api.TaskCompleteView.as_view(), name="api-task-complete"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/batch-decision/", api.BatchDecisionView.as_view(), name="api-batch-decision"),
    path("cases/<str:case_id>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<str:case_id>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("cases/<str:case_id>/flags/", api.CaseFlagView.as_view(), name="api-case-flag"),
    path("cases/<str:case_id>/withdraw/", api.CaseWithdrawView.as_view(), name="api-case-withdraw"),
]
