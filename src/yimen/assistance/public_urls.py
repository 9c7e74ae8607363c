"""Public pages of social assistance, no login: disclosure, objections, one's own case.

Included by the site under ``public/`` (namespace ``public``)."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from yimen.web.ids import IdConverter

from . import views_public as views

if "id" not in get_converters():  # web.urls registers it too; a second registration warns
    register_converter(IdConverter, "id")

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
