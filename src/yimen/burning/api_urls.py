"""The straw-burning API, under ``api/burning/`` (before the ``api/`` catch-all)."""

from django.urls import path

from . import api

C = "cases/<str:fire_case_id>/"

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="api-burning-cases"),
    path(C, api.CaseDetailView.as_view(), name="api-burning-case"),
    path(C + "arrival/", api.ArrivalView.as_view(), name="api-burning-arrival"),
    path(C + "verification/", api.VerificationView.as_view(), name="api-burning-verification"),
    path("reports/", api.ReportView.as_view(), name="api-burning-reports"),
    path("imports/", api.FireFileView.as_view(), name="api-burning-imports"),
]
