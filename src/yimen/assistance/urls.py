"""Staff pages of social assistance. Included by the site under ``assistance/``
(namespace ``assistance``)."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_mine, views_persons
from . import views_staff as views
from . import views_staff_steps as step_views

app_name = "assistance"
urlpatterns = [
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/new/member-row/", views.member_row, name="member_row"),
    path("applications/drafts/", views.drafts, name="drafts"),
    path("applications/mine/", views_mine.mine, name="mine"),
    path("applications/<id:application_id>/", views.application_page, name="application"),
    path("applications/<id:application_id>/submit/", views.draft_submit, name="submit"),
    path("applications/<id:application_id>/discard/", views.draft_discard, name="discard"),
    path(
        "applications/<id:application_id>/attachments/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "applications/<id:application_id>/attachments/<id:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "applications/<id:application_id>/receipt/",
        views.application_receipt,
        name="receipt",
    ),
    path("applications/<id:application_id>/notice.pdf", views.notice_pdf, name="notice"),
    path("applications/<id:application_id>/accept/", step_views.accept, name="accept"),
    path(
        "applications/<id:application_id>/verification/",
        step_views.verification,
        name="verification",
    ),
    path("applications/<id:application_id>/visit/", step_views.visit, name="visit"),
    path("applications/<id:application_id>/dispute/", step_views.dispute, name="dispute"),
    path("applications/<id:application_id>/appraisal/", step_views.appraisal, name="appraisal"),
    path("applications/<id:application_id>/decision/", step_views.decision, name="decision"),
    path(
        "applications/<id:application_id>/persons/",
        views_persons.persons_page,
        name="persons",
    ),
]
