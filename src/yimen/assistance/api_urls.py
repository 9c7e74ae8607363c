"""The API of social assistance. Included by the site under ``api/assistance/``, before
the ``api/`` catch-all of web.api_urls."""

from django.urls import path

from . import api

P = "applications/<str:application_id>/"

urlpatterns = [
    path("applications/", api.ApplicationListView.as_view(), name="api-assistance-applications"),
    path(P, api.ApplicationDetailView.as_view(), name="api-assistance-application"),
    path(P + "submit/", api.SubmitView.as_view(), name="api-assistance-submit"),
    path(P + "discard/", api.DiscardView.as_view(), name="api-assistance-discard"),
    path(P + "accept/", api.AcceptView.as_view(), name="api-assistance-accept"),
    path(P + "verification/", api.VerificationView.as_view(), name="api-assistance-verification"),
    path(P + "visit/", api.VisitView.as_view(), name="api-assistance-visit"),
    path(P + "dispute/", api.DisputeView.as_view(), name="api-assistance-dispute"),
    path(P + "appraisal/", api.AppraisalView.as_view(), name="api-assistance-appraisal"),
    path(P + "decision/", api.DecisionView.as_view(), name="api-assistance-decision"),
    path(P + "attachments/", api.AttachmentView.as_view(), name="api-assistance-attachments"),
    path(P + "notice.pdf", api.NoticePdfView.as_view(), name="api-assistance-notice"),
]
