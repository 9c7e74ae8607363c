"""Public pages of social assistance, no login: disclosure, objections, one's own case.

Included by the site under ``public/`` (namespace ``public``)."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_public as views

app_name = "public"
urlpatterns = [
    path("disclosure/", views.disclosure_choose, name="disclosure"),
    path("disclosure/<str:village_code>/", views.disclosure_village, name="village"),
    path(
        "disclosure/<str:village_code>/<id:application_id>/objection/",
        views.objection_lodge,
        name="objection",
    ),
    path("status/", views.status_lookup, name="status"),
    path("status/case/", views.status_case, name="status_case"),
    path("status/notice.pdf", views.status_notice, name="status_notice"),
    path("status/withdraw/", views.status_withdraw, name="status_withdraw"),
    path("status/leave/", views.status_leave, name="status_leave"),
]
