"""Pages of personal-data protection, under ``privacy/`` (namespace ``privacy``)."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_access, views_requests

app_name = "privacy"
urlpatterns = [
    path("access/", views_access.access_log, name="access_log"),
    path("holds/", views_access.holds_page, name="holds"),
    path("holds/new/", views_access.hold_new, name="hold_new"),
    path("holds/<id:hold_id>/lift/", views_access.hold_end, name="hold_lift"),
    path("requests/", views_requests.requests_page, name="requests"),
    path("requests/new/", views_requests.request_new, name="request_new"),
    path("requests/<id:subject_request_id>/", views_requests.request_page, name="request"),
    path(
        "requests/<id:subject_request_id>/copy/", views_requests.request_copy, name="request_copy"
    ),
    path(
        "requests/<id:subject_request_id>/answer/",
        views_requests.request_answer,
        name="request_answer",
    ),
    path(
        "requests/<id:subject_request_id>/copy.zip",
        views_requests.request_bundle,
        name="request_bundle",
    ),
    path("mine/", views_requests.mine, name="mine"),
]
