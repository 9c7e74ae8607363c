"""County supervision pages (read-only, plus requests for township review) and the
township's answers. Included by the site under ``county/`` (namespace ``county``)."""

from django.urls import path

import yimen.web.ids  # noqa: F401  (registers the <id:…> converter)

from . import views_county as views

app_name = "county"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/<id:application_id>/", views.case_detail, name="case_detail"),
    path("cases/<id:application_id>/flag/", views.flag_raise, name="flag_raise"),
    path("flags/", views.flags, name="flags"),
    path("flags/<id:flag_id>/answer/", views.flag_answer, name="flag_answer"),
]
